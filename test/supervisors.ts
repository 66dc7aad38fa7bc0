// The `process` module's supervisors running on this machine, found by their command lines
// (`--supervise PIDFILE LOGFILE PROGRAM`): for tests that kill a daemon or its supervisor from
// outside, or stop what a failed test left running.

import { readdirSync, readFileSync } from 'node:fs';

/** The pids of the supervisors whose command line `matches`. */
export function supervisors(matches: (argv: string[]) => boolean): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv.includes('--supervise') && matches(argv)) found.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The processes `pid` started (a supervisor's daemon). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
