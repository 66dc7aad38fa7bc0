// What the deploying commands print as they go: each finished step with how long it took,
// the step events as JSON lines for `--events-fd`, and what an exit status means.

import { fstatSync, writeSync } from 'node:fs';
import type { DeployEvent } from '../core/deploy/events';
import { UsageError } from './args';

/** `--events-fd N`: checks that N is an open file, pipe or socket. */
export function openFd(flag: string, v: string): number {
  const fd = Number(v);
  if (!Number.isInteger(fd) || fd < 0) throw new UsageError(`${flag} needs a file descriptor number, got '${v}'`);
  // Node's own descriptors (epoll, eventfd) are open too, but are no file, pipe or socket.
  let stat;
  try {
    stat = fstatSync(fd);
  } catch {
    throw new UsageError(`${flag} ${fd}: no such open file descriptor`);
  }
  if (!stat.isFIFO() && !stat.isFile() && !stat.isSocket() && !stat.isCharacterDevice()) throw new UsageError(`${flag} ${fd}: not an open file, pipe or socket`);
  return fd;
}

/** A whole line to a descriptor that may be a non-blocking pipe (EAGAIN: its reader is behind). */
export function writeAll(fd: number, text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/** What a failed deployment left, by its exit status; "restored" only when something was undone. */
export function failureNote(status: number, changed: boolean, noRollback = false): string {
  if (!changed) return 'Nothing was changed.';
  if (noRollback) return 'The failed transition was left as it is (--no-rollback): deploy again, or roll back.';
  if (status === 2) return 'Restoring the previous services failed: some of them may not run. Deploy again, or roll back.';
  if (status === 3) return 'Removing the new services failed: some of them may still run. Deploy again, or roll back.';
  return 'The previous configuration was restored.';
}

/** Prints each finished step, with how long it took when that is worth saying. */
export function eventPrinter(): (e: DeployEvent) => string {
  const started = new Map<string, number>();
  return (e) => {
    const key = `${e.phase}\0${e.target ?? ''}\0${e.service ?? ''}`;
    if (e.state === 'start') started.set(key, Date.now());
    if (e.state === 'start' && e.phase !== 'rollback') return '';
    const since = started.get(key);
    const took = since !== undefined && e.state !== 'start' ? (Date.now() - since) / 1000 : undefined;
    const what = [e.target, e.service].filter(Boolean).join(': ');
    const mark = e.state === 'failed' ? 'FAILED ' : '';
    const time = took !== undefined && took >= 0.05 ? ` (${took.toFixed(2)} s)` : '';
    const label = e.phase === 'set-coordinator-profile' ? 'coordinator' : e.phase;
    return `${label.padEnd(12)} ${mark}${what}${e.message ? `${what ? ' - ' : ''}${e.message}` : ''}${time}\n`;
  };
}

