// Faults during a deployment over SSH, on a real three-host `dnx testnet`
// (docs/reliability.md). Each test starts from the baseline: hello-world on every host. The
// attempted deployment moves HelloWorld off test2 (a deactivation that happens first), adds a
// quick `early` service on test1 and test3, and a `gate` service on test2 whose activation
// waits until the test opens the gate: the moment to break something. Needs root and sshd.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSshd, type TestnetHost, type TestnetState } from '../../core/testnet/testnet';

const root = join(__dirname, '..', '..', '..');
const canRun = process.getuid?.() === 0 && existsSync('/usr/sbin/sshd');
const dir = mkdtempSync(join(tmpdir(), 'dnx-faults-'));
const net = join(dir, 'net');
const started = join(dir, 'gate-started');
const open = join(dir, 'gate-open');
const failGate = join(dir, 'gate-fails');
const journal = join(dir, 'state', 'dnx', 'coordinator', '.default.journal');

const env = () => ({ ...process.env, DNX_STATE_DIR: join(dir, 'state'), XDG_STATE_HOME: join(dir, 'state'), DNX_SSH_CONFIG: join(net, 'ssh_config') });
const argsFor = (distribution: string, ...extra: string[]) => [join(root, 'bin', 'dnx'), 'deploy', '-s', 'services.nix', '-i', 'infrastructure.nix', '-d', distribution, ...extra];
const dnx = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: dir, encoding: 'utf8', env: env() });
const deploy = (distribution: string) => spawnSync(process.execPath, argsFor(distribution), { cwd: dir, encoding: 'utf8', env: env() });

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A deployment running in the background: its process, and how it ended. */
function deployInBackground(distribution: string): { pid: number; done: Promise<Finished> } {
  const child = spawn(process.execPath, argsFor(distribution), { cwd: dir, env: env() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return { pid: child.pid!, done: new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr }))) };
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 600 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(file), `${file} did not appear within a minute`);
}

/** HelloWorld's answer, asked from inside the host. */
function helloOn(h: TestnetHost): string {
  const r = spawnSync('ip', ['netns', 'exec', h.namespace, process.execPath, '-e', "fetch('http://127.0.0.1:18080/').then((r) => r.text()).then((t) => process.stdout.write(t), () => process.stdout.write('no answer'))"], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** The processes in a host whose command line matches. */
function processesIn(h: TestnetHost, match: (cmdline: string[]) => boolean): number[] {
  const pids = spawnSync('ip', ['netns', 'pids', h.namespace], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return pids.filter((pid) => {
    try {
      return match(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
    } catch {
      return false;
    }
  });
}

function steps(h: TestnetHost): string[] {
  const file = join(h.agentState, 'steps.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

describe('faults during a deployment over SSH', { skip: canRun ? false : 'needs root and sshd (run .ci/run, which installs them)' }, () => {
  let state: TestnetState;
  let hosts: TestnetHost[];

  before(() => {
    const up = dnx('testnet', 'up', '--dir', net);
    assert.equal(up.status, 0, up.stderr);
    state = JSON.parse(readFileSync(join(net, 'testnet.json'), 'utf8')) as TestnetState;
    hosts = state.hosts;
    const examples = join(root, 'examples', 'hello-world', 'local');
    const extra = `rec {\n  early = { name = "early"; pkg = ./early; type = "wrapper"; };\n  gate = { name = "gate"; pkg = ./gate; type = "wrapper"; };`;
    writeFileSync(join(dir, 'services.nix'), readFileSync(join(examples, 'services.nix'), 'utf8').replace(/\.\/pkgs\//g, `${examples}/pkgs/`).replace(/rec \{/, extra));
    const wrapper = (name: string, body: string) => {
      mkdirSync(join(dir, name, 'bin'), { recursive: true });
      writeFileSync(join(dir, name, 'bin', 'wrapper'), `#!/bin/sh\necho "${name} $1" >> "$DNX_AGENT_STATE_DIR/steps.log"\n${body}`);
      chmodSync(join(dir, name, 'bin', 'wrapper'), 0o755);
    };
    wrapper('early', '');
    // Activation fails on demand, or waits (at most a minute) until the gate opens.
    wrapper('gate', 'if [ "$1" = activate ]; then\n  [ -e "$fails" ] && { echo "the gate refuses to open" >&2; exit 1; }\n  : > "$started"\n  n=0\n  while [ ! -e "$open" ]; do sleep 0.1; n=$((n+1)); [ "$n" -lt 600 ] || exit 1; done\nfi\n');
    const props = `containers.wrapper = { started = ${JSON.stringify(started)}; open = ${JSON.stringify(open)}; fails = ${JSON.stringify(failGate)}; };`;
    writeFileSync(join(dir, 'infrastructure.nix'), readFileSync(state.infrastructure, 'utf8').replace(/containers\.process = \{ \};/g, `containers.process = { };\n    ${props}`));
    const on = (...names: string[]) => `[ ${names.map((n) => `infrastructure.${n}`).join(' ')} ]`;
    const hello = `  HelloService = ${on('test1', 'test2', 'test3')};\n  HelloWorldService = ${on('test1', 'test2', 'test3')};\n`;
    writeFileSync(join(dir, 'baseline.nix'), `{ infrastructure }: {\n${hello}  HelloWorld = ${on('test1', 'test2', 'test3')};\n}\n`);
    writeFileSync(join(dir, 'attempt.nix'), `{ infrastructure }: {\n${hello}  HelloWorld = ${on('test1', 'test3')};\n  early = ${on('test1', 'test3')};\n  gate = ${on('test2')};\n}\n`);
  });

  after(() => {
    if (!canRun) return;
    writeFileSync(open, ''); // lets any gate still waiting finish
    const down = dnx('testnet', 'down', '--dir', net);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(down.status, 0, down.stderr);
  });

  beforeEach(() => {
    for (const f of [started, open, failGate]) rmSync(f, { force: true });
    writeFileSync(open, '');
    const r = deploy('baseline.nix');
    assert.equal(r.status, 0, `back to the baseline: ${r.stderr}`);
    for (const h of hosts) assert.equal(helloOn(h), 'Hello world!', `baseline: HelloWorld on ${h.name}`);
    for (const f of [started, open]) rmSync(f, { force: true });
    for (const h of hosts) rmSync(join(h.agentState, 'steps.log'), { force: true });
  });

  it('an activation failing on one host rolls back every host; the old services answer again', () => {
    writeFileSync(failGate, '');
    const r = deploy('attempt.nix');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /test2: activate: .*the gate refuses to open/);
    assert.match(r.stderr, /The previous configuration was restored/);
    for (const h of hosts) assert.equal(helloOn(h), 'Hello world!', `HelloWorld on ${h.name}`);
    assert.deepEqual(steps(hosts[0]), ['early activate', 'early deactivate']);
    assert.equal(existsSync(journal), true, 'the journal keeps the half-done gate activation');
  });

  it('the agent dying mid-transition: the deployment stops and rolls back (exit 1); the next one converges', async () => {
    const run = deployInBackground('attempt.nix');
    await waitForFile(started);
    const agents = processesIn(hosts[1], (c) => c.some((w) => w.endsWith('agent.js')) && c.includes('--session'));
    assert.ok(agents.length > 0, 'the agent (its session, activating the gate) runs on test2');
    for (const pid of agents) process.kill(pid, 'SIGKILL');
    const r = await run.done;
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /test2: activate: /);
    for (const h of hosts) assert.equal(helloOn(h), 'Hello world!', `after the rollback, HelloWorld on ${h.name}`);

    writeFileSync(open, '');
    const again = deploy('attempt.nix');
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(hosts.map(helloOn), ['Hello world!', 'no answer', 'Hello world!']);
    assert.equal(steps(hosts[1]).filter((s) => s === 'gate activate').length, 2, 'the gate was activated again');
  });

  it('two deployments at once: the second is refused by the lock, naming the first; the first completes', async () => {
    const first = deployInBackground('attempt.nix');
    await waitForFile(started);
    const second = deploy('baseline.nix');
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`profile 'default' is locked by root's deployment on .* \\(pid ${first.pid}, since [^)]+\\), which is still running`));
    writeFileSync(open, '');
    const r = await first.done;
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(hosts.map(helloOn), ['Hello world!', 'no answer', 'Hello world!']);
  });

  it("sshd dying mid-transition: the deployment stops and exits 2; once sshd is back, the next one restores what was lost", async () => {
    const run = deployInBackground('attempt.nix');
    await waitForFile(started);
    const sshd = processesIn(hosts[1], (c) => c[0].startsWith('sshd') || c[0] === '/usr/sbin/sshd');
    assert.ok(sshd.length > 0, 'sshd runs on test2');
    for (const pid of sshd) process.kill(pid, 'SIGKILL');
    const r = await run.done;
    // HelloWorld on test2 was already stopped, and cannot be started again without sshd.
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /Restoring the previous services failed/);
    assert.equal(helloOn(hosts[1]), 'no answer');
    assert.equal(existsSync(journal), true, 'the journal says what was left running');

    await startSshd(state, hosts[1]);
    writeFileSync(open, '');
    const again = deploy('baseline.nix');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /did not end cleanly/);
    assert.match(again.stderr, /test2 - broke the lock left by root's deployment .*which is no longer running/);
    for (const h of hosts) assert.equal(helloOn(h), 'Hello world!', `converged: HelloWorld on ${h.name}`);
    assert.ok(steps(hosts[1]).includes('gate deactivate'), 'the gate, in an unknown state, was deactivated');
    assert.equal(existsSync(journal), false);
  });

  it('the coordinator killed mid-deployment: the generations are intact; the next run breaks its stale locks and converges', async () => {
    const generationsBefore = dnx('deploy', '--list-generations').stdout;
    const run = deployInBackground('attempt.nix');
    await waitForFile(started);
    process.kill(run.pid, 'SIGKILL');
    await run.done;
    assert.equal(dnx('deploy', '--list-generations').stdout, generationsBefore, 'no generation was added or changed');
    assert.equal(existsSync(journal), true);

    writeFileSync(open, '');
    const again = deploy('attempt.nix');
    assert.equal(again.status, 0, again.stderr);
    for (const t of ['test1', 'test2', 'test3']) assert.match(again.stderr, new RegExp(`${t} - broke the lock left by root's deployment on .* \\(pid ${run.pid}, .*no longer running`));
    // What the killed run finished is not done again: HelloWorld on test2 is not stopped twice.
    assert.match(again.stdout, /activated, 0 deactivated/);
    assert.match(again.stderr, /activate +test2: gate/);
    assert.deepEqual(hosts.map(helloOn), ['Hello world!', 'no answer', 'Hello world!']);
    const generations = dnx('deploy', '--list-generations').stdout.trim().split('\n');
    assert.equal(generations.length, generationsBefore.trim().split('\n').length + 1);
    assert.match(generations.at(-1)!, /\(current\)/);
  });

  it('dnx lock holds deployments off until dnx lock --unlock; dnx query lists what each host runs', () => {
    const locked = dnx('lock');
    assert.equal(locked.status, 0, locked.stderr);
    const refused = deploy('attempt.nix');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /profile 'default' is locked: a lock root took with dnx lock on .*; release it with: dnx lock --unlock/);
    assert.equal(dnx('lock', '--unlock').status, 0);
    const query = dnx('query', '-i', 'infrastructure.nix');
    assert.equal(query.status, 0, query.stderr);
    for (const h of hosts) assert.match(query.stdout, new RegExp(`Services on: ${h.name}\\n(  /nix/store/\\S+-hello-\\S+  \\(process\\)\\n){3}`));
    assert.equal(readdirSync(join(dir, 'state', 'dnx', 'coordinator')).includes('.default.journal'), false);
  });
});
