// `dnx demo`, the README's main job: hello-world deployed to two local targets, answering
// through its chain of three services; a second run has nothing to do; --undeploy stops it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const state = mkdtempSync(join(tmpdir(), 'dnx-demo-'));
const demo = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), 'demo', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: state } });

describe('dnx demo', () => {
  after(() => {
    demo('--undeploy');
    rmSync(state, { recursive: true, force: true });
  });

  it('deploys hello-world to local targets and the front end answers through the chain', () => {
    const r = demo();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Plan: 3 to add, 0 to change, 0 to remove, 0 unchanged \(nothing deployed yet\)\.$/m);
    assert.match(r.stdout, /^ {2}test1: HelloService \(process\), HelloWorld \(process\)$/m);
    assert.match(r.stdout, /^ {2}HelloWorld {9}http:\/\/localhost:18080\/$/m);
    assert.match(r.stdout, /^\$ curl http:\/\/localhost:18080\/\nHello world!$/m);
  });

  it('has nothing to do the second time', () => {
    const r = demo();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Nothing to deploy: the deployed configuration matches the models\.$/m);
    assert.match(r.stdout, /Nothing to do: the targets already run this configuration \(generation 1 of profile 'default'; /);
  });

  it('undeploys: the services stop', async () => {
    const r = demo('--undeploy');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /0 activated, 3 deactivated/);
    await assert.rejects(fetch('http://localhost:18080/'));
    assert.match(demo('--undeploy').stdout, /not deployed/);
  });

  it('after undeploying, dnx query shows nothing runs and dnx collect-garbage -d empties the targets\' stores', () => {
    // The demo's targets, reached as any command reaches local targets.
    const targets = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args, '-i', join(root, 'examples', 'hello-world', 'local', 'infrastructure.nix')], { cwd: root, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: join(state, 'demo') } });
    const query = targets('query');
    assert.equal(query.status, 0, query.stderr);
    assert.equal(query.stdout, 'Services on: test1\n  (none)\n\nServices on: test2\n  (none)\n\n');
    const kept = targets('collect-garbage');
    assert.equal(kept.status, 0, kept.stderr);
    assert.equal(kept.stdout, 'test1: deleted 0 store object(s)\ntest2: deleted 0 store object(s)\n', 'the old generations still hold the packages');
    const gc = targets('collect-garbage', '-d');
    assert.equal(gc.status, 0, gc.stderr);
    const deleted = [...gc.stdout.matchAll(/^(test\d): deleted (\d+) store object\(s\)$/gm)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(deleted.map(([t]) => t), ['test1', 'test2']);
    for (const [t, n] of deleted) assert.ok((n as number) >= 2, `${t} had its packages and profile deleted`);
  });
});
