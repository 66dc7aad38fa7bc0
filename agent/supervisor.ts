// The supervisor the `process` module leaves behind for each daemon: it starts the daemon in a
// process group of its own, tells the agent once the daemon has stayed up for a moment, restarts
// it with growing pauses when it dies, and on SIGTERM stops it: SIGTERM to its group, SIGKILL if
// it is still there after a grace period.

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

export function supervise(pidFile: string, logFile: string, program: string): void {
  const tmp = `${pidFile}.tmp-${process.pid}`;
  writeFileSync(tmp, `${process.pid}\n`);
  renameSync(tmp, pidFile);
  const log = openSync(logFile, 'a');
  const note = (msg: string) => writeSync(log, `[supervisor ${new Date().toISOString()}] ${msg}\n`);
  let child: ChildProcess | undefined;
  let stopping = false;
  let settled = false;
  let restarts = 0;
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
    closeSync(log);
    process.exit(code);
  };

  const run = () => {
    startedAt = Date.now();
    child = spawn(program, [], { stdio: ['ignore', log, log], detached: true });
    note(`started ${program} (pid ${child.pid})`);
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
      if (Date.now() - startedAt > 60_000) restarts = 0;
      const pause = Math.min(MAX_PAUSE_MS, 500 * 2 ** restarts++);
      note(`restarting in ${pause / 1000} s`);
      setTimeout(() => !stopping && run(), pause);
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
