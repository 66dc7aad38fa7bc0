// Running `dnx soap-server` for tests: started on a free loopback port, stopped as a user would.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface Served {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

/** Starts `dnx soap-server` with `args`; resolves with its endpoint once it serves. */
export function serve(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Served> {
  const child = spawn(process.execPath, [join(root, 'bin', 'dnx'), 'soap-server', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^serving (\S+)$/m.exec(out);
      if (m) resolve({ url: m[1], child, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`soap-server ended (${code}): ${err}`)));
  });
}

export async function stop(s: Served | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const ended = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await ended;
}

