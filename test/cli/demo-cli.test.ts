// `dnx demo`, the README's main job: every bundled example analysed clean and described.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');

describe('dnx demo', () => {
  it('describes each example deployment and finds no problems', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'dnx'), 'demo'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.match(/^no problems found$/gm)?.length, 3);
    assert.match(r.stdout, /^ {2}hello_world_client \[package\] on test2 \(package\); uses hello_world_server = disnix_tcp_proxy$/m);
    assert.match(r.stdout, /^ {2}test2: test2 via disnix-ssh-client, x86_64-linux, 2 core\(s\); containers: mysql-database, process$/m);
  });

  it('reports a project with problems and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnx-demo-'));
    try {
      cpSync(join(root, 'examples', 'hello-world'), dir, { recursive: true });
      writeFileSync(join(dir, 'distribution.nix'), '{ infrastructure }: { HelloService = [ infrastructure.test3 ]; }');
      const r = spawnSync(process.execPath, [join(root, 'bin', 'dnx'), 'demo', dir], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stdout, /^distribution\.nix:1:40: error: 'test3' is not a target in the infrastructure model; did you mean 'test1'\? \[unknown-target\]$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
