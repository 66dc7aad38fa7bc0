// The profile lock: a file created exclusively, holding who took it. A lock outlives a crashed
// holder on purpose (the deployment may be half done); the holder's description lets the
// coordinator tell a stale lock from a live one, and `unlock --force` breaks it.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from './errors';
import { checkProfileName } from './profiles';

export class Locks {
  constructor(private readonly dir: string) {}

  private file(profile: string): string {
    checkProfileName(profile);
    return join(this.dir, `disnix-${profile}.lock`);
  }

  /** Who holds the lock on `profile`, if anyone. */
  owner(profile: string): string | undefined {
    try {
      return readFileSync(this.file(profile), 'utf8').trim() || 'an unknown holder';
    } catch {
      return undefined;
    }
  }

  acquire(profile: string, owner: string): void {
    mkdirSync(this.dir, { recursive: true });
    try {
      writeFileSync(this.file(profile), owner + '\n', { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new AgentError(`profile '${profile}' is locked by ${this.owner(profile) ?? 'an unknown holder'}`);
      throw e;
    }
  }

  /** Releases the lock; another holder's lock only with `force`. */
  release(profile: string, owner: string | undefined, force: boolean): void {
    const held = this.owner(profile);
    if (held === undefined) return;
    if (!force && owner !== undefined && held !== owner) throw new AgentError(`profile '${profile}' is locked by ${held}, not by ${owner}; use --force to break the lock`);
    rmSync(this.file(profile), { force: true });
  }
}
