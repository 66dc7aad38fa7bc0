// Runs the `dnx` command line (dist/cli.js, the engine the terminal uses too) from the
// extension: each line of its output as it comes, each deployment step as the event `dnx deploy
// --events-fd 3` writes, and cancellation as SIGTERM, which dnx answers as it does Ctrl-C (it
// rolls back and unlocks). Arguments go to the program as a list: no shell is involved.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type * as vscode from 'vscode';
import type { DeployEvent } from '../core/deploy/events';

export type { DeployEvent };

/** The descriptor the child writes its step events to (`--events-fd`). */
export const EVENTS_FD = 3;

export interface DnxRunOptions {
  cwd?: string;
  /** Each line dnx prints, as it prints it. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Each step of a deployment; the caller passes `--events-fd 3` in the arguments. */
  onEvent?: (e: DeployEvent) => void;
  token?: vscode.CancellationToken;
}

export interface DnxRun {
  /** The exit status; 1 for a process ended by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

export function runDnx(cli: string, args: string[], o: DnxRunOptions = {}): Promise<DnxRun> {
  return new Promise((resolve, reject) => {
    // In VS Code the extension host's executable is Electron, which runs as plain Node with this.
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: o.cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', o.onEvent ? 'pipe' : 'ignore'],
    });
    const out = { stdout: '', stderr: '' };
    const lines = (stream: Readable | null, name: 'stdout' | 'stderr') =>
      stream &&
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        out[name] += line + '\n';
        o.onLine?.(line, name);
      });
    lines(child.stdout, 'stdout');
    lines(child.stderr, 'stderr');
    const events = child.stdio[EVENTS_FD] as Readable | null;
    if (events && o.onEvent) {
      createInterface({ input: events, crlfDelay: Infinity }).on('line', (line) => {
        const event = parseEvent(line);
        if (event) o.onEvent!(event);
      });
    }
    const cancelled = o.token?.onCancellationRequested(() => child.kill('SIGTERM'));
    child.on('error', (e) => {
      cancelled?.dispose();
      reject(e);
    });
    child.on('close', (code) => {
      cancelled?.dispose();
      resolve({ code: code ?? 1, ...out });
    });
  });
}

function parseEvent(line: string): DeployEvent | undefined {
  try {
    const e = JSON.parse(line) as DeployEvent;
    return typeof e?.phase === 'string' && typeof e.state === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}
