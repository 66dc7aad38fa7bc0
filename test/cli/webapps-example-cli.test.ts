// examples/webapps, a project shaped like Disnix's process-management examples: a service made
// whole by a constructor from a checkout beside the project that is not on this machine, a
// dependency on it, and a mapping into a container its target does not declare. It validates
// with no error, its manifest is computed, deploying it as it is says what is missing, and with
// the checkout's place given (`--extra-params`, as disnix-env takes it) it deploys on local
// targets and answers through its chain.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const example = join(root, 'examples', 'webapps');
const state = mkdtempSync(join(tmpdir(), 'dnx-webapps-'));
const models = ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix'];
const standIn = '--extra-params={ nix-processmgmt = ./processmgmt-standin; }';
const dnx = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: example, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: state, XDG_STATE_HOME: state } });

async function answer(port: number): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/`)).text();
  } catch {
    return 'no answer';
  }
}

describe('examples/webapps: a checkout beside the project that is not here', () => {
  after(() => {
    dnx('deploy', ...models, standIn, '--undeploy');
    rmSync(state, { recursive: true, force: true });
  });

  it('validates with no error: the missing checkout is said once, the undeclared container is a hint', () => {
    const r = dnx('validate', ...models, '--json');
    assert.equal(r.status, 0, r.stderr);
    const found = (JSON.parse(r.stdout) as { severity: string; code: string; message: string }[]).map((d) => [d.severity, d.code, d.message]);
    assert.deepEqual(found, [
      ['hint', 'unknown-container', "test2 declares no container 'process' (the type of status) and no service on it provides one: the module gets no properties"],
      ['information', 'unavailable-path', '../../../nix-processmgmt is not on this machine: what is built from it is not checked'],
    ]);
  });

  it('computes the manifest: the constructed service is there, unknown, and what depends on it still does', () => {
    const r = dnx('manifest', ...models);
    assert.equal(r.status, 0, r.stderr);
    const services = Object.entries(JSON.parse(r.stdout).services as Record<string, { name: string; pkg: string | null; dependsOn: { service: string }[] }>);
    const hashOf = (name: string) => services.find(([, s]) => s.name === name)![0];
    assert.deepEqual(services.map(([, s]) => s.name).sort(), ['proxy', 'status', 'webapp']);
    assert.equal(services.find(([, s]) => s.name === 'proxy')![1].pkg, null);
    assert.deepEqual(services.find(([, s]) => s.name === 'status')![1].dependsOn.map((d) => d.service), [hashOf('proxy')]);
  });

  it('refuses to deploy without the checkout, naming it and where it is expected, and deploys nothing', async () => {
    const r = dnx('deploy', ...models);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot deploy proxy: \.\.\/\.\.\/\.\.\/nix-processmgmt \(.*services\.nix:21:26\) is not on this machine, and what is built from it is not known; put that checkout there, or give its place with --extra-params/);
    assert.equal(await answer(18301), 'no answer');
  });

  it('deploys on local targets with the checkout given, dependencies first, and answers through the proxy', async () => {
    const r = dnx('deploy', ...models, standIn);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /round 1: webapp on test1\n\s+round 2: proxy on test1\n\s+round 3: status on test2/);
    assert.match(r.stdout, /3 activated, 0 deactivated; now generation 1 /);
    assert.equal(await answer(18302), 'proxy: Hello from webapp');
  });
});
