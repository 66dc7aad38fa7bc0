// `dnx manifest`, `dnx plan` and `dnx visualize` as processes: outputs, the coordinator
// profile they read, and errors with their exit codes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CoordinatorProfile } from '../../core/plan/coordinator';
import type { Manifest } from '../../core/plan/types';

const root = join(__dirname, '..', '..', '..');
const hello = join(root, 'examples', 'hello-world');
const dnx = join(root, 'bin', 'dnx');
const triple = (d = 'distribution.nix') => ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', d];

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [dnx, ...args], { cwd: hello, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dnx manifest, plan and visualize', () => {
  it('prints the manifest as JSON, and as Disnix XML with --xml', () => {
    const json = run(['manifest', ...triple()]);
    assert.equal(json.code, 0, json.stderr);
    const m = JSON.parse(json.stdout) as Manifest;
    assert.deepEqual(Object.values(m.services).map((s) => s.name).sort(), ['HelloService', 'HelloWorld', 'HelloWorldService']);
    const xml = run(['manifest', ...triple(), '--xml']);
    assert.match(xml.stdout, /^<\?xml version="1.0"\?>\n<manifest version="2">/);
    for (const hash of Object.keys(m.services)) assert.ok(xml.stdout.includes(`<service name="${hash}">`));
  });

  it('plans against the current generation of the coordinator profile', () => {
    const state = mkdtempSync(join(tmpdir(), 'dnx-state-'));
    const first = run(['plan', ...triple(), '--coordinator-profile-path', state]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Plan: 3 to add, 0 to change, 0 to remove, 0 unchanged \(nothing deployed yet\)\./);
    assert.match(first.stdout, /round 3: HelloWorld on test1/);

    new CoordinatorProfile(state, 'default').add(JSON.parse(run(['manifest', ...triple()]).stdout));
    const same = run(['plan', ...triple(), '--coordinator-profile-path', state]);
    assert.match(same.stdout, /^Plan: 0 to add, 0 to change, 0 to remove, 3 unchanged \(compared with generation 1 of profile 'default'\)/);
    assert.match(same.stdout, /Nothing to deploy/);

    const moved = run(['plan', ...triple('distribution-loadbalancing.nix'), '--coordinator-profile-path', state, '--json']);
    const plan = JSON.parse(moved.stdout) as { summary: Record<string, number>; changes: { service: string; target: string; status: string; reasons: string[] }[] };
    assert.deepEqual(plan.summary, { new: 1, changed: 2, removed: 0, unchanged: 1 });
    assert.deepEqual(plan.changes.find((c) => c.service === 'HelloWorldService')!.reasons, ['its dependency HelloService now also runs on test2']);

    const undeploy = run(['plan', '--undeploy', '--coordinator-profile-path', state]);
    assert.match(undeploy.stdout, /^Plan: 0 to add, 0 to change, 3 to remove/);
    assert.equal(run(['plan', ...triple(), '--coordinator-profile-path', state, '-p', 'other']).stdout.split('\n')[0], 'Plan: 3 to add, 0 to change, 0 to remove, 0 unchanged (nothing deployed yet).');
  });

  it('draws DOT with clusters per target and container, and SVG laid out by Graphviz', () => {
    const dot = run(['visualize', ...triple()]);
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(dot.stdout, /subgraph cluster_0 \{\n {4}label="test1";/);
    assert.match(dot.stdout, /subgraph cluster_0_0 \{\n {6}label="process";/);
    assert.match(dot.stdout, /"test1\/process\/HelloWorld" -> "test2\/process\/HelloWorldService";/);
    const svg = run(['visualize', ...triple(), '--svg']);
    assert.equal(svg.code, 0, svg.stderr);
    assert.match(svg.stdout, /<svg[\s\S]*<title>test1\/process\/HelloWorld&#45;&gt;test2\/process\/HelloWorldService<\/title>/);
  });

  it('draws a manifest file and the deployed generation', () => {
    const state = mkdtempSync(join(tmpdir(), 'dnx-state-'));
    const file = join(state, 'm.json');
    writeFileSync(file, run(['manifest', ...triple()]).stdout);
    assert.match(run(['visualize', file]).stdout, /HelloWorldService/);
    const none = run(['visualize', '--coordinator-profile-path', state]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /nothing is deployed with profile 'default'/);
    new CoordinatorProfile(state, 'default').add(JSON.parse(run(['manifest', ...triple()]).stdout));
    assert.match(run(['visualize', '--coordinator-profile-path', state]).stdout, /HelloWorldService/);
  });

  it('exits 1 with located errors for broken models, and 2 for bad usage', () => {
    const broken = join(root, 'test', 'model', 'broken', 'typos');
    const r = spawnSync(process.execPath, [dnx, 'plan', '-s', 'services.nix', '-i', join(hello, 'infrastructure.nix'), '-d', 'distribution.nix'], { cwd: broken, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^distribution\.nix:6:18: error: 'tset1' is not a target/m);
    assert.equal(run(['plan']).code, 2);
    assert.equal(run(['visualize', 'missing.json']).code, 2);
    assert.match(run(['visualize', 'services.nix']).stderr, /services\.nix is not a JSON manifest/);
  });
});
