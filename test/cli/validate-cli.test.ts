// `dnx validate` as a process: compiler-style lines or JSON, and the exit code.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const dnx = join(root, 'bin', 'dnx');

function run(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [dnx, 'validate', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const triple = ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix'];
// The broken copy changes the services and distribution of hello-world, not its infrastructure.
const typos = ['-s', 'services.nix', '-i', join(root, 'examples', 'hello-world', 'infrastructure.nix'), '-d', 'distribution.nix'];

describe('dnx validate', () => {
  it('exits 0 on a valid deployment', () => {
    const r = run(join(root, 'examples', 'hello-world'), ...triple);
    assert.deepEqual([r.code, r.stdout], [0, '']);
    assert.match(r.stderr, /0 error\(s\)/);
  });

  it('honours DISNIX_TARGET_PROPERTY and --target-property as Disnix does (two VirtualBox machines at one address)', () => {
    const nat = join(root, 'test', 'model', 'real', 'virtualbox-nat');
    const plain = run(nat, ...triple);
    assert.equal(plain.code, 0, 'a warning, not an error');
    assert.match(plain.stdout, /infrastructure\.nix:\d+:\d+: warning: targets 'vm1' and 'vm2' have the same address '10\.0\.2\.2' \(hostname\).*set targetProperty = "sshTarget" to tell them apart \[duplicate-target-address\]/);
    const byEnv = spawnSync(process.execPath, [dnx, 'validate', ...triple], { cwd: nat, encoding: 'utf8', env: { ...process.env, DISNIX_TARGET_PROPERTY: 'sshTarget' } });
    assert.deepEqual([byEnv.status, byEnv.stdout], [0, '']);
    assert.deepEqual([run(nat, ...triple, '--target-property', 'sshTarget').stdout], ['']);
  });

  it('prints FILE:LINE:COL lines with codes and exits 1 on errors', () => {
    const r = run(join(root, 'test', 'model', 'broken', 'typos'), ...typos);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^distribution\.nix:6:18: error: 'tset1' is not a target in the infrastructure model; did you mean 'test1'\? \[unknown-target\]$/m);
  });

  it('prints JSON with LSP ranges (0-based) with --json', () => {
    const r = run(join(root, 'test', 'model', 'broken', 'typos'), ...typos, '--json');
    const out = JSON.parse(r.stdout) as { file: string; range: { start: { line: number; character: number } }; severity: string; code: string }[];
    const target = out.find((d) => d.code === 'unknown-target')!;
    assert.equal(target.file, join(root, 'test', 'model', 'broken', 'typos', 'distribution.nix'));
    assert.deepEqual([target.range.start, target.severity], [{ line: 5, character: 17 }, 'error']);
  });

  it('--ignore silences a code', () => {
    const r = run(join(root, 'test', 'model', 'broken', 'typos'), ...typos, '--json', '--ignore', 'unknown-target', '--ignore', 'unknown-service', '--ignore', 'name-mismatch');
    assert.equal(r.code, 0);
    assert.deepEqual((JSON.parse(r.stdout) as { code: string }[]).map((d) => d.code), ['misspelt-attribute', 'unknown-type', 'unknown-attribute']);
  });

  it('rejects combinations of models Disnix rejects, with exit 2', () => {
    const r = run(join(root, 'examples', 'hello-world'), '-s', 'services.nix');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown combination of models/);
  });
});
