// The coordinator profile: the deployed manifests as numbered generations, as Disnix keeps
// them (../shared/reference/disnix.md §2.3). A generation is `<profile>-<N>.json`; the file
// `<profile>` is a symbolic link to the current one, so a rollback only moves the link.
// Every write goes to a temporary file that is synced and renamed into place: a crash leaves
// either the old state or the new one, never half a generation. Disnix's own generations
// (`<profile>-<N>-link` to its manifest XML) are read too, so a project deployed with
// `disnix-env` goes on with dnx from what Disnix deployed.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { dnxStateHome } from '../state-home';
import { manifestFromXml } from './manifest-xml-read';
import type { Manifest } from './types';

export const DEFAULT_PROFILE = 'default';

/** `$XDG_STATE_HOME/dnx/coordinator`, else `~/.local/state/dnx/coordinator`. */
export function defaultCoordinatorPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dnxStateHome(env), 'coordinator');
}

/** Where `disnix-env` keeps its coordinator profiles: `/nix/var/nix/profiles/per-user/<user>/disnix-coordinator`. */
export function disnixCoordinatorPath(env: NodeJS.ProcessEnv = process.env): string {
  return join('/nix/var/nix/profiles/per-user', env.USER || userInfo().username, 'disnix-coordinator');
}

export interface Generation {
  number: number;
  path: string;
  /** When the generation was made. */
  date: Date;
  current: boolean;
}

export class CoordinatorError extends Error {}

export class CoordinatorProfile {
  constructor(
    readonly dir: string = defaultCoordinatorPath(),
    readonly profile: string = DEFAULT_PROFILE,
    /** What was deployed before this profile has a generation of its own (Disnix's profile, say): read, never written. */
    readonly before?: CoordinatorProfile,
  ) {
    if (!/^[A-Za-z0-9._+-]+$/.test(profile) || profile.startsWith('.')) throw new CoordinatorError(`invalid profile name '${profile}'`);
  }

  /** The file of generation `n` as dnx writes it. Written once and never changed: a new manifest is a new generation. */
  generationFile(n: number): string {
    return join(this.dir, `${this.profile}-${n}.json`);
  }

  /** Generation `n` as it is kept: dnx's JSON, or Disnix's link to its manifest XML; undefined when there is none. */
  generationPath(n: number): string | undefined {
    for (const path of [this.generationFile(n), join(this.dir, `${this.profile}-${n}-link`)]) if (existsSync(path)) return path;
    return undefined;
  }

  /** The journal of a deployment of this profile that has not ended cleanly (core/deploy/journal.ts). */
  get journalFile(): string {
    return join(this.dir, `.${this.profile}.journal`);
  }

  private get link(): string {
    return join(this.dir, this.profile);
  }

  generations(): Generation[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const current = this.currentNumber();
    const pattern = new RegExp(`^${this.profile.replace(/[.+]/g, '\\$&')}-(\\d+)(\\.json|-link)$`);
    const numbers = new Set(names.map((n) => pattern.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])));
    return [...numbers]
      .map((number) => {
        const path = this.generationPath(number)!;
        return { number, path, date: statSync(path).mtime, current: number === current };
      })
      .sort((a, b) => a.number - b.number);
  }

  currentNumber(): number | undefined {
    try {
      const m = /-(\d+)(\.json|-link)$/.exec(basename(readlinkSync(this.link)));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The manifest of generation `n`, or of the current one (else what was deployed `before`); undefined when there is none. */
  read(n = this.currentNumber()): Manifest | undefined {
    if (n === undefined) return this.before?.read();
    const path = this.generationPath(n);
    let text: string;
    try {
      if (!path) throw new Error('missing');
      // Disnix's generation links to its manifest: the XML file, or a folder holding manifest.xml.
      text = readFileSync(path.endsWith('-link') && statSync(path).isDirectory() ? join(path, 'manifest.xml') : path, 'utf8');
    } catch {
      throw new CoordinatorError(`generation ${n} of profile '${this.profile}' does not exist in ${this.dir}`);
    }
    try {
      if (path.endsWith('-link')) return manifestFromXml(text);
      const m = JSON.parse(text) as Manifest;
      if (m.version !== 2) throw new Error(`version ${String(m.version)}`);
      return m;
    } catch (e) {
      throw new CoordinatorError(`${path} is not a manifest: ${(e as Error).message}`);
    }
  }

  /** What the current generation is, in words ("generation 4 of profile 'default'"); undefined when nothing is deployed. */
  describeCurrent(): string | undefined {
    const n = this.currentNumber();
    if (n !== undefined) return `generation ${n} of profile '${this.profile}'`;
    const before = this.before?.describeCurrent();
    return before && `${before} as Disnix deployed it (${this.before!.dir})`;
  }

  /** Stores `manifest` as a new generation and makes it the current one; returns its number. */
  add(manifest: Manifest): number {
    mkdirSync(this.dir, { recursive: true });
    const n = Math.max(0, ...this.generations().map((g) => g.number)) + 1;
    const tmp = join(this.dir, `.${this.profile}-${n}.json.${process.pid}.tmp`);
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, JSON.stringify(manifest, null, 1) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.generationFile(n));
    this.switchTo(n);
    return n;
  }

  /** Deletes generation `n`; the current one is kept. */
  remove(n: number): void {
    if (n === this.currentNumber()) throw new CoordinatorError(`generation ${n} of profile '${this.profile}' is the current one`);
    try {
      unlinkSync(this.generationPath(n) ?? this.generationFile(n));
    } catch {
      throw new CoordinatorError(`generation ${n} of profile '${this.profile}' does not exist in ${this.dir}`);
    }
  }

  /** Makes generation `n` the current one (a rollback or `--switch-to-generation`). */
  switchTo(n: number): void {
    const path = this.generationPath(n);
    if (!path) throw new CoordinatorError(`generation ${n} of profile '${this.profile}' does not exist in ${this.dir}`);
    const tmp = join(this.dir, `.${this.profile}.${process.pid}.link`);
    try {
      unlinkSync(tmp);
    } catch {
      // Not left over from an earlier crash.
    }
    symlinkSync(basename(path), tmp);
    renameSync(tmp, this.link);
    syncDir(this.dir);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
