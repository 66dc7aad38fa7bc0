// The supervisor the `process` module leaves behind for each daemon: it starts the daemon in a
// process group of its own, tells the agent once the daemon has stayed up for a moment, restarts
// it with growing pauses when it dies, and on SIGTERM stops it: SIGTERM to its group, SIGKILL if
// it is still there after a grace period. It keeps a record of the daemon (its pid, since when
// it runs, how it last ended) beside the pid file, so the target can tell what really runs.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

export const SUPERVISE_FLAG = '--supervise';
/** How long a daemon must stay up before its activation counts as done. */
const SETTLE_MS = 300;
const KILL_AFTER_MS = 10_000;
const MAX_PAUSE_MS = 30_000;

/** Whether `pid` is a live process (not a zombie) that is the supervisor writing `pidFile`. */
export function isAlive(pid: number, pidFile?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!existsSync(`/proc/${pid}`)) return true; // no procfs: trust the signal check
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    if (pidFile === undefined) return true;
    // The pid may have been reused by an unrelated process since the file was written.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(SUPERVISE_FLAG) && cmdline.includes(pidFile);
  } catch {
    return false;
  }
}

/** What the supervisor last knew of its daemon. */
export interface DaemonRecord {
  program: string;
  /** The daemon's pid while it runs (its process group's id as well). */
  pid?: number;
  /** When it last started (ms since the epoch). */
  since?: number;
  /** How often it was started again after dying. */
  restarts: number;
  /** How it last ended, in words ("exit status 3", "signal SIGKILL"), and when. */
  lastExit?: { how: string; at: number };
  /** While it is down: when it will be started again. */
  nextStart?: number;
}

/** The record kept beside a pid file. */
export function recordFileOf(pidFile: string): string {
  return pidFile.replace(/\.pid$/, '') + '.daemon.json';
}

export function readDaemonRecord(pidFile: string): DaemonRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(recordFileOf(pidFile), 'utf8')) as DaemonRecord;
    return typeof r === 'object' && r !== null && typeof r.restarts === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole and renamed into place: a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function supervise(pidFile: string, logFile: string, program: string): void {
  writeAtomically(pidFile, `${process.pid}\n`);
  const record: DaemonRecord = { program, restarts: 0 };
  const keep = () => writeAtomically(recordFileOf(pidFile), JSON.stringify(record) + '\n');
  const log = openSync(logFile, 'a');
  const note = (msg: string) => writeSync(log, `[supervisor ${new Date().toISOString()}] ${msg}\n`);
  let child: ChildProcess | undefined;
  let stopping = false;
  let settled = false;
  let backoff = 0; // restarts in a row: each waits twice as long
  let startedAt = 0;

  const answer = (text: string) => {
    try {
      writeSync(1, text + '\n');
      closeSync(1);
    } catch {
      // the agent is gone; nobody to tell
    }
  };
  const finish = (code: number) => {
    rmSync(pidFile, { force: true });
    rmSync(recordFileOf(pidFile), { force: true });
    closeSync(log);
    process.exit(code);
  };

  const run = () => {
    startedAt = Date.now();
    child = spawn(program, [], { stdio: ['ignore', log, log], detached: true });
    note(`started ${program} (pid ${child.pid})`);
    Object.assign(record, { pid: child.pid, since: startedAt, nextStart: undefined });
    keep();
    child.on('error', (e) => {
      note(`cannot run ${program}: ${e.message}`);
      if (!settled) {
        answer(`exited: cannot run it (${(e as NodeJS.ErrnoException).code ?? e.message})`);
        finish(1);
      }
    });
    child.on('exit', (code, signal) => {
      const how = signal ? `signal ${signal}` : `exit status ${code}`;
      note(`${program} ended (${how})`);
      if (stopping) return finish(0);
      if (!settled) {
        answer(`exited with ${how} at start`);
        return finish(1);
      }
      if (Date.now() - startedAt > 60_000) backoff = 0;
      const pause = Math.min(MAX_PAUSE_MS, 500 * 2 ** backoff++);
      note(`restarting in ${pause / 1000} s`);
      Object.assign(record, { pid: undefined, lastExit: { how, at: Date.now() }, nextStart: Date.now() + pause });
      keep();
      setTimeout(() => {
        if (stopping) return;
        record.restarts++;
        run();
      }, pause);
    });
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) return finish(0);
    note(`stopping ${program}`);
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return finish(0);
    }
    setTimeout(() => {
      note(`${program} still runs after ${KILL_AFTER_MS / 1000} s: killing it`);
      try {
        process.kill(-child!.pid!, 'SIGKILL');
      } catch {
        finish(0);
      }
    }, KILL_AFTER_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => undefined);

  run();
  setTimeout(() => {
    if (stopping || !child || child.exitCode !== null) return;
    settled = true;
    answer('running');
  }, SETTLE_MS);
}
