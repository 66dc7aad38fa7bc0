// `npm test`'s runner: every compiled test file (or those named) under node's test runner, then a check that the
// run left no process behind. Every process the tests start carries DNX_TEST_RUN in its
// environment; one that scrubbed its environment is known by its command line naming a test's
// temporary folder. Survivors are listed, stopped, and fail the run.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// The files named on the command line, or all of them.
const files = process.argv.slice(2);
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
if (files.length === 0) walk(join(root, 'out', 'test'));
files.sort();

const run = `${process.pid}-${Date.now()}`;
const started = startTicks(process.pid);
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env: { ...process.env, DNX_TEST_RUN: run } });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

// A process that is ending may need a moment.
let left = survivors();
for (let i = 0; i < 30 && left.length > 0; i++) {
  await new Promise((r) => setTimeout(r, 100));
  left = survivors();
}
if (left.length > 0) {
  process.stderr.write(`\nThe tests left ${left.length} process(es) running:\n${left.map((p) => `  ${p.pid}  ${p.cmdline}`).join('\n')}\n(they are stopped now; the test that started each must stop it in after())\n`);
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  process.exitCode = code || 1;
} else process.exitCode = code;

function survivors() {
  const out = [];
  const temporary = join(tmpdir(), 'dnx-');
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const pid = Number(name);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The fields after the command's name (which may hold spaces and parentheses).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || Number(fields[19]) < started) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      let marked = false;
      try {
        marked = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`DNX_TEST_RUN=${run}`);
      } catch {
        // not ours to read
      }
      if (marked || cmdline.includes(temporary)) out.push({ pid, cmdline });
    } catch {
      // ended while being read
    }
  }
  return out;
}

/** When a process started, in clock ticks since boot. */
function startTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}
