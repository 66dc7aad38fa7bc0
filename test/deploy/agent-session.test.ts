// `dnx-agent --session`: many operations over one agent process (core/deploy/session-protocol.ts).
// The real agent bundle runs as a child process here, with the coordinator's side of the
// session (core/deploy/transports/session.ts) wired to its standard input and output as the
// SSH transport wires it to a channel.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { TargetError } from '../../core/deploy/errors';
import { toArgv } from '../../core/deploy/protocol';
import { copyTree, LocalStore } from '../../core/deploy/store';
import { AgentSession } from '../../core/deploy/transports/session';
import { makeStorePath } from '../../core/nix/store';

const agentJs = join(__dirname, '..', '..', '..', 'dist', 'agent.js');
const MISSING = '/nix/store/0bcdfghijklmnpqrsvwxyz0123456789-missing';

interface Started {
  session: AgentSession;
  child: ChildProcess;
  logged: string[];
  ended: Promise<void>;
}

function start(command: string[]): Started {
  const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const logged: string[] = [];
  const session = new AgentSession('t1', child.stdin!, (target, line) => logged.push(`${target}| ${line}`));
  child.stdout!.on('data', (c: Buffer) => session.stdout(c));
  child.stderr!.on('data', (c: Buffer) => session.stderr(c));
  const ended = new Promise<void>((resolve) =>
    child.on('close', (code, signal) => {
      session.end(`the agent ended (${signal ? `killed by ${signal}` : `exit status ${code}`})`);
      resolve();
    }),
  );
  return { session, child, logged, ended };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('agent sessions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-session-'));
  const stateDir = join(dir, 'agent');
  const gateOpen = join(dir, 'open');
  const activating = join(dir, 'activating');
  let gate: string;
  let exportFile: string;
  let agent: Started;

  before(async () => {
    // A package whose activation waits until the test opens the gate.
    const pkg = join(dir, 'gate');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(join(pkg, 'bin', 'wrapper'), `#!/bin/sh\nif [ "$1" = activate ]; then echo $$ > ${JSON.stringify(activating)}; while [ ! -e ${JSON.stringify(gateOpen)} ]; do sleep 0.05; done; echo "gate opened"; fi\n`);
    chmodSync(join(pkg, 'bin', 'wrapper'), 0o755);
    const store = new LocalStore(join(dir, 'coordinator-store'));
    gate = await store.add((dest) => copyTree(pkg, dest), (hash) => makeStorePath('source', hash, 'gate'));
    exportFile = join(dir, 'closure');
    await pipeline(Readable.from(store.exportPaths([gate])), createWriteStream(exportFile));
    agent = start([process.execPath, agentJs, '--state-dir', stateDir, '--session']);
  });

  after(async () => {
    agent.session.close();
    await agent.ended;
    rmSync(dir, { recursive: true, force: true });
  });

  it('says it serves a session, and where it keeps packages', async () => {
    assert.equal(await agent.session.ready, true);
    assert.equal(agent.session.store, 'own', 'an agent given --state-dir keeps its own store');
  });

  it('answers each operation by its own id, while another is still running', { timeout: 20_000 }, async () => {
    assert.deepEqual(await agent.session.call(['--import', '--localfile', exportFile], 'import'), [gate]);
    const activation = agent.session.call(toArgv({ op: 'activate', type: 'wrapper', container: 'wrapper', arguments: [], path: gate }), 'activate');
    const [invalid, installed] = await Promise.all([agent.session.call(['--print-invalid', MISSING, gate], 'print-invalid'), agent.session.call(['--query-installed'], 'query-installed')]);
    assert.deepEqual(invalid, [MISSING], 'only the missing path is reported');
    assert.deepEqual(installed, ['[]']);
    assert.equal(existsSync(gateOpen), false, 'the activation is still waiting for the gate');
    writeFileSync(gateOpen, '');
    assert.deepEqual(await activation, []);
    assert.ok(agent.logged.includes('t1| gate opened'), `the activation's messages are passed on: ${agent.logged.join('\n')}`);
  });

  it("reports a failed operation in the agent's words, and goes on serving", async () => {
    await assert.rejects(agent.session.call(['--set', '--profile', 'default', MISSING], 'set'), (e: unknown) => e instanceof TargetError && e.message === `t1: set: ${MISSING} is not on this machine`);
    await assert.rejects(agent.session.call(['--frobnicate'], 'frobnicate'), /t1: frobnicate: unknown operation --frobnicate/);
    assert.deepEqual(await agent.session.call(['--print-invalid', MISSING], 'print-invalid'), [MISSING]);
  });

  it('refuses operations that stream through standard input or output: they need a channel of their own', async () => {
    await assert.rejects(agent.session.call(['--import', '--localfile', '-'], 'import'), /t1: import: --import with standard input or output needs a channel of its own/);
    await assert.rejects(agent.session.call(['--export', '--stdout', gate], 'export'), /needs a channel of its own/);
  });

  it('skips a line that is no request, and answers the next one', async () => {
    agent.child.stdin!.write('this is not JSON\n{"id":"x"}\n');
    assert.deepEqual(await agent.session.call(['--print-invalid', MISSING], 'print-invalid'), [MISSING]);
  });

  it('fails every waiting operation when the agent dies, naming how it ended', { timeout: 20_000 }, async () => {
    const other = start([process.execPath, agentJs, '--state-dir', join(dir, 'other'), '--session']);
    assert.equal(await other.session.ready, true);
    rmSync(gateOpen, { force: true });
    rmSync(activating, { force: true });
    await other.session.call(['--import', '--localfile', exportFile], 'import');
    const waiting = other.session.call(toArgv({ op: 'activate', type: 'wrapper', container: 'wrapper', arguments: [], path: gate }), 'activate');
    // The wrapper writes its pid once it runs.
    const pidOf = () => (existsSync(activating) ? Number(readFileSync(activating, 'utf8').trim()) : 0);
    while (!pidOf()) await new Promise((r) => setTimeout(r, 20));
    other.child.kill('SIGKILL');
    await assert.rejects(waiting, /t1: activate: the agent ended \(killed by SIGKILL\)/);
    await assert.rejects(other.session.call(['--query-installed'], 'query-installed'), /t1: query-installed: the agent ended/);
    // The activation the killed agent started is orphaned, still waiting: open its gate and see it end.
    const orphan = pidOf();
    writeFileSync(gateOpen, '');
    while (alive(orphan)) await new Promise((r) => setTimeout(r, 20));
  });

  it('tells an agent without sessions apart, without showing its complaint', async () => {
    // An older agent: `--session` is an operation it does not know, so it prints its usage and ends.
    const old = start(['/bin/sh', '-c', 'echo "dnx agent: unknown operation --session" >&2; echo "usage: ..." >&2; exit 2']);
    assert.equal(await old.session.ready, false);
    await old.ended;
    assert.deepEqual(old.logged, []);
  });
});
