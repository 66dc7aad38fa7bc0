// Who holds a target's lock. The coordinator stores a description of itself with the lock
// (host, pid, user, start time), so a later run can tell a lock left by a deployment that died
// from one held by a deployment still running. Only a holder on this host can be checked: a
// lock from another host is reported, and breaking it is left to the user (`dnx lock --unlock
// --force`).

import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

export interface LockOwner {
  host: string;
  /** The deploying process; absent for a lock taken by hand (`dnx lock`), which never goes stale. */
  pid?: number;
  user?: string;
  /** When the holder started deploying (ISO 8601). */
  since?: string;
}

/** This process, as a lock owner. */
export function thisLockOwner(): string {
  return JSON.stringify({ host: hostname(), pid: process.pid, user: userInfo().username, since: new Date().toISOString() } satisfies LockOwner);
}

/** A lock owner written by `thisLockOwner`; undefined for anything else. */
export function parseLockOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o?.host === 'string' && (o.pid === undefined || Number.isInteger(o.pid)) ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `o` is a process of this host that is gone (or whose pid now names a newer process). */
export function isStale(o: LockOwner): boolean {
  if (o.host !== hostname() || o.pid === undefined) return false;
  const started = processStart(o.pid);
  if (started === undefined) return true;
  // A process that started after the lock was taken cannot have taken it: the pid was reused.
  return o.since !== undefined && started > Date.parse(o.since) + 1000;
}

export function describeOwner(o: LockOwner): string {
  if (o.pid === undefined) return `a lock ${o.user ? `${o.user} ` : ''}took with dnx lock on ${o.host}`;
  return `${o.user ? `${o.user}'s` : 'a'} deployment on ${o.host} (pid ${o.pid}${o.since ? `, since ${o.since}` : ''})`;
}

/** When a live process started (ms since the epoch); undefined when there is no such process. */
function processStart(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    try {
      process.kill(pid, 0);
      return 0; // alive, no procfs to say since when
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM' ? 0 : undefined;
    }
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return undefined;
  // Field 22 of stat, in clock ticks after boot; the boot time is in /proc/stat.
  const ticks = Number(fields[19]);
  const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  return boot * 1000 + (ticks * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

/** Why a lock held by `o` stops a deployment, and what to do about it. */
export function lockRefusal(profile: string, o: LockOwner): string {
  const who = describeOwner(o);
  if (o.pid === undefined) return `profile '${profile}' is locked: ${who}; release it with: dnx lock --unlock -p ${profile}`;
  if (o.host === hostname()) return `profile '${profile}' is locked by ${who}, which is still running`;
  return `profile '${profile}' is locked by ${who}; if that deployment is no longer running, break its locks with: dnx lock --unlock --force -p ${profile}`;
}
