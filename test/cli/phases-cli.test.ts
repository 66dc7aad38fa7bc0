// The phases as commands of their own, composed by hand as Disnix's small tools are:
// `dnx manifest --build`, `dnx distribute`, `dnx lock`, `dnx activate`, `dnx set`, `dnx lock -u`,
// on local targets with a real process; what they leave is what `dnx deploy` would.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifestToXml } from '../../core/plan/manifest-xml';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dnx-phases-'));
const state = join(dir, 'state');
const PORT = 18193;
const dnx = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: state, XDG_STATE_HOME: state } });
const models = ['-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix'];

async function answer(): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${PORT}/`)).text();
  } catch {
    return 'no answer';
  }
}

describe('dnx distribute, activate and set, one phase at a time', () => {
  before(() => {
    const bin = join(dir, 'web', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'web'), `#!/usr/bin/env node\nrequire('node:http').createServer((q, r) => r.end('phased')).listen(${PORT}, '127.0.0.1');\n`);
    chmodSync(join(bin, 'web'), 0o755);
    writeFileSync(join(dir, 'services.nix'), '{ system, pkgs, distribution, invDistribution }: { web = { name = "web"; pkg = ./web; type = "process"; }; }');
    writeFileSync(join(dir, 'infrastructure.nix'), '{ a = { properties.hostname = "a"; containers.process = { }; clientInterface = "disnix-run-activity"; }; }');
    writeFileSync(join(dir, 'distribution.nix'), '{ infrastructure }: { web = [ infrastructure.a ]; }');
  });
  after(() => {
    dnx('deploy', '--undeploy');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to distribute a manifest that was not built, naming the profile', () => {
    const plain = dnx('manifest', ...models);
    assert.equal(plain.status, 0, plain.stderr);
    writeFileSync(join(dir, 'plain.json'), plain.stdout);
    const r = dnx('distribute', 'plain.json');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the profile of a has not been built/);
  });

  it('builds the manifest, distributes it, and prints the activations a dry run would make', () => {
    const built = dnx('manifest', '--build', ...models);
    assert.equal(built.status, 0, built.stderr);
    assert.match(JSON.parse(built.stdout).profiles.a.path, /^\/nix\/store\/[a-z0-9]{32}-/);
    writeFileSync(join(dir, 'built.json'), built.stdout);
    const sent = dnx('distribute', 'built.json');
    assert.equal(sent.status, 0, sent.stderr);
    assert.match(sent.stderr, /^distribute {3}a - 2 of 2 paths sent/m);
    const dry = dnx('activate', '--dry-run', 'built.json');
    assert.equal(dry.status, 0, dry.stderr);
    assert.equal(dry.stdout, 'activate web on a (round 1)\n');
  });

  it('activates under a lock and sets the profiles: the service answers and is generation 1', async () => {
    assert.equal(dnx('lock', 'built.json').status, 0);
    const act = dnx('activate', 'built.json');
    assert.equal(act.status, 0, act.stderr);
    assert.equal(await answer(), 'phased');
    const set = dnx('set', 'built.json');
    assert.equal(set.status, 0, set.stderr);
    assert.equal(set.stdout, "now generation 1 of profile 'default'\n");
    assert.equal(dnx('lock', '--unlock', 'built.json').status, 0);
    const query = dnx('query', '-i', 'infrastructure.nix');
    assert.match(query.stdout, /web/);
  });

  it('then has nothing to activate, and dnx deploy of the same models nothing to do', () => {
    assert.equal(dnx('activate', '--dry-run', 'built.json').stdout, 'nothing to do\n');
    const again = dnx('deploy', ...models);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Nothing to do: the targets already run this configuration \(generation 1 of profile 'default'; /);
  });

  it('dnx activate, cancelled with SIGTERM, lets the running activation finish and undoes it', async () => {
    // A service whose activation waits for a gate the test opens once it has sent the signal.
    const gate = join(dir, 'gate');
    const started = join(dir, 'started');
    const bin = join(dir, 'slow', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'wrapper'), `#!/bin/sh\nif [ "$1" = activate ]; then : > ${JSON.stringify(started)}; while [ ! -e ${JSON.stringify(gate)} ]; do sleep 0.05; done; fi\n`);
    chmodSync(join(bin, 'wrapper'), 0o755);
    writeFileSync(join(dir, 'slow-services.nix'), '{ system, pkgs, distribution, invDistribution }: { slow = { name = "slow"; pkg = ./slow; type = "wrapper"; }; }');
    writeFileSync(join(dir, 'slow-infrastructure.nix'), '{ a = { properties.hostname = "a"; containers.wrapper = { }; clientInterface = "disnix-run-activity"; }; }');
    writeFileSync(join(dir, 'slow-distribution.nix'), '{ infrastructure }: { slow = [ infrastructure.a ]; }');
    const built = dnx('manifest', '--build', '-s', 'slow-services.nix', '-i', 'slow-infrastructure.nix', '-d', 'slow-distribution.nix');
    assert.equal(built.status, 0, built.stderr);
    writeFileSync(join(dir, 'slow.json'), built.stdout);
    assert.equal(dnx('distribute', 'slow.json').status, 0);
    const child = spawn(process.execPath, [join(root, 'bin', 'dnx'), 'activate', '-o', 'built.json', 'slow.json'], { cwd: dir, env: { ...process.env, DNX_STATE_DIR: state, XDG_STATE_HOME: state } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!existsSync(started)) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    while (!stderr.includes('cancelling')) await new Promise((r) => setTimeout(r, 20));
    writeFileSync(gate, '');
    assert.equal(await exited, 1, stderr);
    assert.match(stderr, /the deployment was cancelled/);
    assert.match(stderr, /The previous configuration was restored/);
    assert.equal(await answer(), 'phased', 'what ran before still runs');
  });

  it("goes on from a coordinator profile disnix-env left (its XML manifests): the same models are an upgrade with nothing to do", async () => {
    // What dnx deployed, kept as disnix-env keeps it: a generation link to the manifest XML Disnix writes.
    const deployed = JSON.parse(readFileSync(join(state, 'dnx', 'coordinator', 'default-1.json'), 'utf8'));
    const xml = manifestToXml(deployed).replace(/\n\s*<profilePackages>[\s\S]*<\/profilePackages>/, '');
    const store = join(dir, 'nix-store');
    const disnix = join(dir, 'disnix-coordinator');
    mkdirSync(store);
    mkdirSync(disnix);
    writeFileSync(join(store, 'manifest.xml'), xml);
    symlinkSync(join(store, 'manifest.xml'), join(disnix, 'default-1-link'));
    symlinkSync('default-1-link', join(disnix, 'default'));
    const r = dnx('deploy', ...models, '--coordinator-profile-path', disnix);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /compared with generation 1 of profile 'default'/);
    assert.match(r.stdout, /Nothing to do: the targets already run this configuration/);
    assert.equal(await answer(), 'phased');
  });

  it('deploys a service to a container its target does not declare (a hint, as Disnix deploys it): the module runs with no properties', async () => {
    assert.equal(dnx('deploy', '--undeploy').status, 0);
    writeFileSync(join(dir, 'undeclared-infrastructure.nix'), '{ a = { properties.hostname = "a"; containers.wrapper = { }; clientInterface = "disnix-run-activity"; }; }');
    const undeclared = ['-s', 'services.nix', '-i', 'undeclared-infrastructure.nix', '-d', 'distribution.nix'];
    const v = dnx('validate', ...undeclared);
    assert.equal(v.status, 0, v.stdout);
    assert.match(v.stdout, /hint: a declares no container 'process' \(the type of web\).*\[unknown-container\]/);
    const r = dnx('deploy', ...undeclared);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1 activated/);
    let answered = await answer();
    for (let i = 0; i < 50 && answered !== 'phased'; i++) answered = await new Promise((r) => setTimeout(r, 100)).then(answer);
    assert.equal(answered, 'phased', r.stderr);
  });
});
