// `dnx eval` as a process: the pinned command line, stdout, stderr and exit codes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dnx = join(__dirname, '..', '..', '..', 'bin', 'dnx');
const dir = mkdtempSync(join(tmpdir(), 'dnx-cli-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [dnx, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NIX_PATH: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dnx eval', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates a file strictly to JSON, with no trailing newline like Nix', () => {
    writeFileSync(join(dir, 'model.nix'), '{ b = [ 1 2.5 ]; a = { c = "x"; }; }');
    assert.deepEqual(run('eval', 'model.nix'), { code: 0, stdout: '{"a":{"c":"x"},"b":[1,2.5]}', stderr: '' });
  });

  it('evaluates -E expressions', () => {
    assert.equal(run('eval', '-E', 'builtins.map (x: x * 2) [ 1 2 ]').stdout, '[2,4]');
  });

  it('auto-calls a function with --arg and --argstr, using defaults for the rest', () => {
    writeFileSync(join(dir, 'fn.nix'), '{ a, b, c ? "default" }: { inherit a b c; }');
    assert.equal(run('eval', 'fn.nix', '--arg', 'a', '1 + 1', '--argstr', 'b', 'text').stdout, '{"a":2,"b":"text","c":"default"}');
  });

  it('refuses to auto-call without a required argument', () => {
    const r = run('eval', 'fn.nix');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /fn\.nix:1:3: error: .*'a'/);
  });

  it('selects with -A through sets and lists', () => {
    writeFileSync(join(dir, 'sel.nix'), '{ x = { y = [ 10 { z = "deep"; } ]; }; }');
    assert.equal(run('eval', 'sel.nix', '-A', 'x.y.1.z').stdout, '"deep"');
    const missing = run('eval', 'sel.nix', '-A', 'x.nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /attribute 'nope' in selection path 'x\.nope' not found/);
  });

  it('prints errors as FILE:LINE:COL: error: and exits 1', () => {
    writeFileSync(join(dir, 'bad.nix'), 'rec {\n  a = 1;\n  b = a + "x";\n}');
    const r = run('eval', 'bad.nix');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${join(dir, 'bad.nix')}:3:11: error: cannot add a string to an integer\n`);
  });

  it('reports syntax errors with their location', () => {
    writeFileSync(join(dir, 'syntax.nix'), '{ a = 1 b = 2; }');
    const r = run('eval', 'syntax.nix');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /syntax\.nix:1:8: error: expected `;` after binding/);
  });

  it('shows the call trace with --show-trace', () => {
    const r = run('eval', '-E', 'let f = x: x.missing; in f { }', '--show-trace');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: attribute 'missing' missing/);
  });

  it('recurses as deep as Nix does (100,000 calls), and reports a runaway recursion as a limit', () => {
    const deep = run('eval', '-E', 'let f = n: if n == 0 then 0 else f (n - 1); in f 100000');
    assert.equal(deep.code, 0, deep.stderr);
    assert.equal(deep.stdout, '0');
    const runaway = run('eval', '-E', 'let f = x: f x; in f 1');
    assert.equal(runaway.code, 1);
    assert.match(runaway.stderr, /evaluation limit exceeded: stack overflow/);
  });

  it('prints builtins.trace on stderr, as Nix does, and the value on stdout', () => {
    const r = run('eval', '-E', 'builtins.trace "looked at" 1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'trace: looked at\n');
    assert.equal(r.stdout, '1');
  });

  it('refuses to print a value that needs things outside the workspace', () => {
    const r = run('eval', '-E', '(import <nixpkgs> { }).hello');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /file 'nixpkgs' was not found in the Nix search path/);
  });

  it('reports runaway recursion as an evaluation limit', () => {
    const r = run('eval', '-E', 'let f = n: 1 + f n; in f 0');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /evaluation limit exceeded/);
  });

  it('reads a file under a folder copied to the store from the folder (`import "${./checkout}/x.nix"`)', () => {
    mkdirSync(join(dir, 'checkout', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'checkout', 'lib', 'x.nix'), '{ answer = 42; }');
    writeFileSync(join(dir, 'copied.nix'), '{ checkout ? ./checkout }: { inherit (import "${checkout}/lib/x.nix") answer; text = builtins.readFile (checkout + "/lib/x.nix"); }');
    assert.deepEqual(run('eval', 'copied.nix'), { code: 0, stdout: '{"answer":42,"text":"{ answer = 42; }"}', stderr: '' });
  });

  it('explains usage errors with exit code 2', () => {
    const r = run('eval', '--bogus');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown flag '--bogus'/);
  });

  it('takes a flag and its value as one argument (`--arg=NAME`), as getopt does, and refuses a value for a switch', () => {
    writeFileSync(join(dir, 'fn.nix'), '{ x }: x');
    assert.equal(run('eval', 'fn.nix', '--argstr=x', 'v').stdout, '"v"');
    const r = run('eval', 'fn.nix', '--argstr', 'x', 'v', '--show-trace=yes');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--show-trace takes no value/);
  });
});
