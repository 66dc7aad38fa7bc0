// Target profiles with generations: `<profile>` links to `<profile>-<N>-link`, which links to
// the profile object in the store. Setting a profile adds a generation and moves the link, so
// the previous generations stay as they were until collected.

import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, rename, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProfileManifest, PROFILE_MANIFEST_FILE, type ProfileManifest } from '../core/deploy/profile-manifest';
import { AgentError } from './errors';

const NAME = /^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$/;

export function checkProfileName(profile: string): void {
  if (!NAME.test(profile)) throw new AgentError(`invalid profile name '${profile}'`);
}

/** Makes `link` point to `storePath` (with Nix: also registers it as a garbage collector root). */
export type MakeLink = (link: string, storePath: string) => Promise<void>;

export class Profiles {
  constructor(
    private readonly dir: string,
    private readonly makeLink: MakeLink = (link, storePath) => symlink(storePath, link),
  ) {}

  /** The generation numbers of `profile`, ascending. */
  generations(profile: string): number[] {
    checkProfileName(profile);
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const prefix = `${profile}-`;
    return names
      .filter((n) => n.startsWith(prefix) && n.endsWith('-link'))
      .map((n) => n.slice(prefix.length, -'-link'.length))
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** The store path the profile's current generation holds. */
  current(profile: string): string | undefined {
    checkProfileName(profile);
    const link = join(this.dir, profile);
    try {
      return readlinkSync(join(this.dir, readlinkSync(link)));
    } catch {
      return undefined;
    }
  }

  /** Every store path some generation holds: what garbage collection keeps. */
  roots(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith('-link')).map((n) => readlinkSync(join(this.dir, n)));
  }

  /** Makes `storePath` the profile's new generation (nothing changes if it is the current one). */
  async set(profile: string, storePath: string): Promise<void> {
    checkProfileName(profile);
    if (this.current(profile) === storePath) return;
    await mkdir(this.dir, { recursive: true });
    const n = (this.generations(profile).at(-1) ?? 0) + 1;
    const gen = `${profile}-${n}-link`;
    await this.makeLink(join(this.dir, gen), storePath);
    const tmp = join(this.dir, `.${profile}.tmp-${process.pid}`);
    await unlink(tmp).catch(() => undefined);
    await symlink(gen, tmp);
    await rename(tmp, join(this.dir, profile));
  }

  /** Removes all but the current generation (`collect-garbage -d`). */
  async deleteOld(): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const current = new Set(names.filter((n) => !n.endsWith('-link') && !n.startsWith('.')).map((n) => readlinkSync(join(this.dir, n))));
    for (const n of names) if (n.endsWith('-link') && !current.has(n)) await unlink(join(this.dir, n));
  }
}

/** The profile manifest inside a profile object at `dir` (its real location). */
export function readProfileManifest(dir: string): ProfileManifest {
  const file = join(dir, PROFILE_MANIFEST_FILE);
  if (!existsSync(file)) throw new AgentError(`${dir} holds no ${PROFILE_MANIFEST_FILE}: not a profile`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AgentError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isProfileManifest(v)) throw new AgentError(`${file} is not a profile manifest`);
  return v;
}
