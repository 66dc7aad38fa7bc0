// Deploying over SSH to real hosts: a `dnx testnet` of three network namespaces, each with its
// own sshd, host key, Nix store and agent state. The hello-world services (plain folders) run
// on every host and answer there; built by real Nix, they run one per host and reach each
// other through the addresses the build injected; a container property full of shell syntax crosses the remote
// shell as written; an unknown or changed host key is refused before anything is sent; a jump
// host is used when the SSH config says so. Needs root, sshd and iproute2 (.ci/run installs them).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestnetHost, TestnetState } from '../../core/testnet/testnet';

const root = join(__dirname, '..', '..', '..');
const canRun = process.getuid?.() === 0 && existsSync('/usr/sbin/sshd');
const hasNix = spawnSync('nix-build', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'dnx-ssh-'));
const net = join(dir, 'net');
const pwned = join(dir, 'pwned');
const NOTE = `it's; "quoted" \`x\`\n$(touch ${pwned})`;

const dnx = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: join(dir, 'state'), XDG_STATE_HOME: join(dir, 'state'), ...env } });
const deployWith = (sshConfig: string, ...extra: string[]) => dnx({ DNX_SSH_CONFIG: sshConfig }, 'deploy', '-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix', ...extra);

/** Asks a service from inside the host, where it listens. */
function askOn(namespace: string, port: number): string {
  const r = spawnSync('ip', ['netns', 'exec', namespace, process.execPath, '-e', `fetch('http://127.0.0.1:${port}/').then((r) => r.text()).then((t) => process.stdout.write(t), () => process.stdout.write('no answer'))`], { encoding: 'utf8' });
  return r.stdout.trim();
}

describe('dnx deploy over SSH to a test network', { skip: canRun ? false : 'needs root and sshd (run .ci/run, which installs them)' }, () => {
  let state: TestnetState;

  before(() => {
    const up = dnx({}, 'testnet', 'up', '--dir', net);
    assert.equal(up.status, 0, up.stderr);
    state = JSON.parse(readFileSync(join(net, 'testnet.json'), 'utf8')) as TestnetState;
    const examples = join(root, 'examples', 'hello-world', 'local');
    writeFileSync(join(dir, 'services.nix'), readFileSync(join(examples, 'services.nix'), 'utf8').replace(/\.\/pkgs\//g, `${examples}/pkgs/`).replace(/rec \{/, `rec {\n  checker = { name = "checker"; pkg = ./checker; type = "wrapper"; };`));
    mkdirSync(join(dir, 'checker', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'checker', 'bin', 'wrapper'), `#!/bin/sh\nprintf '%s <%s>\\n' "$1" "$note" >> "$DNX_AGENT_STATE_DIR/wrapper.log"\n`);
    chmodSync(join(dir, 'checker', 'bin', 'wrapper'), 0o755);
    const infrastructure = readFileSync(state.infrastructure, 'utf8').replace('containers.process = { };', `containers.process = { };\n    containers.wrapper.note = ${JSON.stringify(NOTE).replace(/\$/g, '\\$')};`);
    writeFileSync(join(dir, 'infrastructure.nix'), infrastructure);
    const everywhere = '[ infrastructure.test1 infrastructure.test2 infrastructure.test3 ]';
    writeFileSync(join(dir, 'distribution.nix'), `{ infrastructure }: {\n  HelloService = ${everywhere};\n  HelloWorldService = ${everywhere};\n  HelloWorld = ${everywhere};\n  checker = [ infrastructure.test1 ];\n}\n`);
  });

  after(() => {
    if (!canRun) return;
    const down = dnx({}, 'testnet', 'down', '--dir', net);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(down.status, 0, down.stderr);
  });

  it('deploys to three hosts; every host answers; a second run changes nothing', () => {
    const r = deployWith(state.sshConfig);
    assert.equal(r.status, 0, r.stderr);
    for (const h of state.hosts) assert.equal(askOn(h.namespace, 18080), 'Hello world!', `HelloWorld on ${h.name}`);
    const again = deployWith(state.sshConfig);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /Nothing to do: the targets already run this configuration/);
  });

  it('passes a container property with quotes, semicolons and newlines through the remote shell as written', () => {
    const log = readFileSync(join(state.hosts[0].agentState, 'wrapper.log'), 'utf8');
    assert.equal(log.split(/(?<=>)\n/)[0], `activate <${NOTE}>`);
    assert.equal(existsSync(pwned), false);
  });

  it('refuses a host whose key is not known, and says how to trust it', () => {
    const config = join(dir, 'unknown_config');
    writeFileSync(join(dir, 'empty_known_hosts'), '');
    writeFileSync(config, readFileSync(state.sshConfig, 'utf8').replace(/UserKnownHostsFile .*/, `UserKnownHostsFile "${join(dir, 'empty_known_hosts')}"`));
    const r = deployWith(config);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /the host key of 10\.213\.\d+\.\d+ \(SHA256:[A-Za-z0-9+/]+\) is not known/);
    assert.match(r.stderr, /add this line to .*empty_known_hosts: 10\.213\.\d+\.\d+ ssh-ed25519 AAAA/);
  });

  it('refuses a host whose key changed, naming the key it knew', () => {
    const lines = readFileSync(join(net, 'known_hosts'), 'utf8').trim().split('\n');
    // test1's address, with test2's key: what a man in the middle would present.
    const swapped = `${lines[0].split(' ')[0]} ${lines[1].split(' ').slice(1).join(' ')}\n${lines.slice(1).join('\n')}\n`;
    writeFileSync(join(dir, 'swapped_known_hosts'), swapped);
    const config = join(dir, 'swapped_config');
    writeFileSync(config, readFileSync(state.sshConfig, 'utf8').replace(/UserKnownHostsFile .*/, `UserKnownHostsFile "${join(dir, 'swapped_known_hosts')}"`));
    const r = deployWith(config);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`test1: .*the host key of ${state.hosts[0].address.replace(/\./g, '\\.')} has CHANGED`));
    assert.match(r.stderr, /swapped_known_hosts:1/);
  });

  it('goes through a jump host when the SSH config says so', () => {
    const [jump, ...rest] = state.hosts;
    const config = join(dir, 'jump_config');
    writeFileSync(config, readFileSync(state.sshConfig, 'utf8') + rest.map((h) => `\nHost ${h.address}\n  ProxyJump ${jump.name}\n`).join(''));
    const r = deployWith(config);
    assert.equal(r.status, 0, r.stderr);
    const sshdLog = readFileSync(join(net, 'hosts', rest[0].name, 'sshd.log'), 'utf8');
    assert.match(sshdLog, new RegExp(`Accepted publickey for root from ${jump.address.replace(/\./g, '\\.')} `));
  });

  it('undeploys: the services stop on every host', () => {
    const r = dnx({ DNX_SSH_CONFIG: state.sshConfig }, 'deploy', '--undeploy');
    assert.equal(r.status, 0, r.stderr);
    for (const h of state.hosts) assert.equal(askOn(h.namespace, 18080), 'no answer');
  });

  it('deploys machines that share one address (VirtualBox NAT) through the property DISNIX_TARGET_PROPERTY names, as Disnix does', () => {
    // Every host at the same hostname, each reached through its own sshTarget.
    const nat = readFileSync(join(dir, 'infrastructure.nix'), 'utf8').replace(/properties\.hostname = "([^"]+)";/g, 'properties = { hostname = "10.0.2.2"; sshTarget = "$1"; };');
    writeFileSync(join(dir, 'nat-infrastructure.nix'), nat);
    const models = ['-s', 'services.nix', '-i', 'nat-infrastructure.nix', '-d', 'distribution.nix'];
    const warned = dnx({}, 'validate', ...models);
    assert.equal(warned.status, 0, warned.stderr);
    assert.match(warned.stdout, /warning: targets 'test1' and 'test2' have the same address '10\.0\.2\.2'/);
    const env = { DNX_SSH_CONFIG: state.sshConfig, DISNIX_TARGET_PROPERTY: 'sshTarget' };
    const r = dnx(env, 'deploy', ...models);
    assert.equal(r.status, 0, r.stderr);
    for (const h of state.hosts) assert.equal(askOn(h.namespace, 18080), 'Hello world!', `HelloWorld on ${h.name}`);
    const undeploy = dnx(env, 'deploy', '--undeploy');
    assert.equal(undeploy.status, 0, undeploy.stderr);
    for (const h of state.hosts) assert.equal(askOn(h.namespace, 18080), 'no answer');
  });

  it('deploys through an agent without sessions (an older dnx-agent) with one agent per operation', () => {
    const older = join(dir, 'older-agent');
    writeFileSync(older, `#!/bin/sh\n[ "$1" = --session ] && { echo "dnx agent: unknown operation --session" >&2; exit 2; }\necho "$1" >> "$DNX_AGENT_STATE_DIR/operations.log"\nexec dnx-agent "$@"\n`);
    chmodSync(older, 0o755);
    const env = { DNX_SSH_CONFIG: state.sshConfig, DNX_REMOTE_AGENT: older };
    const r = dnx(env, 'deploy', '-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix');
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /unknown operation/, 'the older agent refusing a session is not shown');
    for (const h of state.hosts) assert.equal(askOn(h.namespace, 18080), 'Hello world!', `HelloWorld on ${h.name}`);
    const operations = readFileSync(join(state.hosts[1].agentState, 'operations.log'), 'utf8').trim().split('\n');
    for (const op of ['--print-invalid', '--lock', '--activate', '--set', '--unlock']) assert.ok(operations.includes(op), `${op} ran as an agent of its own: ${operations.join(' ')}`);
    const undeploy = dnx(env, 'deploy', '--undeploy');
    assert.equal(undeploy.status, 0, undeploy.stderr);
  });

  it('moves the state of a deployState service from one host to another through the coordinator', () => {
    // A fileset service whose state is its data folder, under each host's own target folder.
    const notes = join(dir, 'notes');
    mkdirSync(notes, { recursive: true });
    writeFileSync(join(notes, '.dysnomia-fileset'), 'mkdir data\n');
    const files = (h: TestnetHost) => join(h.agentState, 'files');
    let infrastructure = readFileSync(state.infrastructure, 'utf8');
    for (const h of state.hosts) infrastructure = infrastructure.replace(`properties.hostname = "${h.address}";`, `properties.hostname = "${h.address}";\n    containers.fileset.targetDir = "${files(h)}";`);
    writeFileSync(join(dir, 'migrate-infrastructure.nix'), infrastructure);
    writeFileSync(join(dir, 'migrate-services.nix'), '{ system, pkgs, distribution, invDistribution }: {\n  notes = { name = "notes"; pkg = ./notes; type = "fileset"; deployState = true; };\n}\n');
    const on = (h: string) => `{ infrastructure }: { notes = [ infrastructure.${h} ]; }\n`;
    writeFileSync(join(dir, 'migrate-1.nix'), on('test1'));
    writeFileSync(join(dir, 'migrate-2.nix'), on('test2'));
    const env = { DNX_SSH_CONFIG: state.sshConfig, DNX_STATE_DIR: join(dir, 'migrate-state'), XDG_STATE_HOME: join(dir, 'migrate-state') };
    const deployTo = (distribution: string) => dnx(env, 'deploy', '-s', 'migrate-services.nix', '-i', 'migrate-infrastructure.nix', '-d', distribution);

    const first = deployTo('migrate-1.nix');
    assert.equal(first.status, 0, first.stderr);
    const [test1, test2] = state.hosts;
    writeFileSync(join(files(test1), 'data', 'note.txt'), 'written on test1\n');
    const moved = deployTo('migrate-2.nix');
    assert.equal(moved.status, 0, moved.stderr);
    assert.match(moved.stderr, /snapshot +test1: notes/);
    assert.match(moved.stderr, /restore +test2: notes/);
    assert.equal(readFileSync(join(files(test2), 'data', 'note.txt'), 'utf8'), 'written on test1\n');
    const snapshots = join(test2.agentState, 'dysnomia', 'snapshots', 'fileset', 'notes');
    assert.equal(readdirSync(snapshots).length, 1, 'test2 holds the snapshot it restored');
  });

  it('builds derivations with real Nix and wires the hosts together through the addresses it injected', { skip: hasNix ? false : 'needs Nix (nix-bin)' }, async () => {
    const example = join(root, 'examples', 'hello-world', 'testnet');
    const env = { DNX_SSH_CONFIG: state.sshConfig, DNX_STATE_DIR: join(dir, 'nix-state'), XDG_STATE_HOME: join(dir, 'nix-state') };
    const args = ['deploy', '-s', join(example, 'services.nix'), '-i', state.infrastructure, '-d', join(example, 'distribution.nix')];
    const r = dnx(env, ...args);
    assert.equal(r.status, 0, r.stderr);
    // HelloWorld on test3 asks HelloWorldService on test2, which asks HelloService on test1.
    const test3 = state.hosts[2].address;
    assert.equal(await (await fetch(`http://${test3}:18080/`)).text(), 'Hello world!\n');
    // Each host received its package into its own Nix store, kept by its profile as a root.
    const profileOf = (h: TestnetHost) => {
      const profiles = join(h.agentState, 'profiles');
      return readlinkSync(join(profiles, readlinkSync(join(profiles, 'default')))).slice('/nix/store/'.length);
    };
    const storeOf = (h: TestnetHost) => join(net, 'hosts', h.name, 'nix', 'store');
    assert.ok(existsSync(join(storeOf(state.hosts[0]), profileOf(state.hosts[0]))), 'test1 holds its profile in its own Nix store');
    assert.equal(existsSync(join(storeOf(state.hosts[0]), profileOf(state.hosts[2]))), false, "test1 does not get test3's packages");
    const again = dnx(env, ...args);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /Nothing to do: the targets already run this configuration/);
  });

  it('builds on the targets with --build-on-targets: each derivation is realised where its service goes, and the result comes back', { skip: hasNix ? false : 'needs Nix (nix-bin)' }, async () => {
    const example = join(root, 'examples', 'hello-world', 'testnet');
    const env = { DNX_SSH_CONFIG: state.sshConfig, DNX_STATE_DIR: join(dir, 'nix-state'), XDG_STATE_HOME: join(dir, 'nix-state') };
    assert.equal(dnx(env, 'deploy', '--undeploy').status, 0, 'the previous test\'s services stop first');
    // A fresh build: these derivations are new to every store, the coordinator's included.
    const nonce = `${process.pid}-${Date.now()}`;
    writeFileSync(join(dir, 'bot-services.nix'), readFileSync(join(example, 'services.nix'), 'utf8').replace(/\.\/pkgs\//g, `${example}/pkgs/`).replace('#!/usr/bin/env node', `#!/usr/bin/env node\n    // built for ${nonce}`));
    const r = dnx(env, 'deploy', '--build-on-targets', '-s', 'bot-services.nix', '-i', state.infrastructure, '-d', join(example, 'distribution.nix'));
    assert.equal(r.status, 0, r.stderr);
    for (const t of ['test1', 'test2', 'test3']) assert.match(r.stderr, new RegExp(`^  build\\| ${t}: building 1 derivation\\(s\\)$`, 'm'));
    assert.equal(await (await fetch(`http://${state.hosts[2].address}:18080/`)).text(), 'Hello world!\n');
    // The store derivation went only where its service runs; its output came back here.
    const drvsOn = (h: TestnetHost) => readdirSync(join(net, 'hosts', h.name, 'nix', 'store')).filter((f) => f.endsWith('.drv'));
    assert.ok(drvsOn(state.hosts[0]).some((f) => f.endsWith('-hello-service.drv')), 'test1 got the derivation of HelloService');
    assert.equal(drvsOn(state.hosts[2]).some((f) => f.endsWith('-hello-service.drv')), false, 'test3 did not');
    const built = readdirSync(join(net, 'hosts', 'test1', 'nix', 'store')).find((f) => f.endsWith('-hello-service') && readFileSync(join(net, 'hosts', 'test1', 'nix', 'store', f, 'bin', 'hello-service'), 'utf8').includes(nonce));
    assert.ok(built, 'test1 built HelloService');
    assert.ok(existsSync(join('/nix/store', built!)), 'and the coordinator has it');
  });
});
