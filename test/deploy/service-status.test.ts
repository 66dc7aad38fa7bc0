// What a target says its services are doing, with real processes under the agent's supervisor:
// `dnx query` reports a running daemon with its pid, one killed with SIGKILL as restarted, one
// that keeps dying as failed with its exit status and its log, one stopped from outside (its
// supervisor killed too) as stopped, and a service whose module cannot tell as unknown.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { supervisors } from '../supervisors';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dnx-status-'));
const state = join(dir, 'state');
const crashMarker = join(dir, 'crash');

const dnx = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: state, XDG_STATE_HOME: state } });

interface Queried {
  name: string;
  state?: string;
  detail?: string;
  log?: string;
}

function query(): Record<string, Queried[]> {
  const r = dnx('query', '-f', 'json', '-i', 'infrastructure.nix');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, Queried[]>;
}

const service = (name: string) => query().a.find((s) => s.name === name)!;

/** Asks until `ok` holds for the service (a supervisor restarts on its own time), up to a generous limit. */
async function until(name: string, ok: (s: Queried) => boolean): Promise<Queried> {
  for (let i = 0; i < 200; i++) {
    const s = service(name);
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${name} never got there; last: ${JSON.stringify(service(name))}`);
}

const pidIn = (detail = '') => Number(/pid (\d+)/.exec(detail)?.[1]);

/** The supervisor of a service's daemon (its command line names the daemon's program). */
function supervisorOf(name: string): number {
  const [pid] = supervisors((argv) => argv.some((w) => w.endsWith(`/bin/${name}`)));
  if (pid === undefined) throw new Error(`no supervisor runs ${name}`);
  return pid;
}

function daemon(name: string, script: string): void {
  mkdirSync(join(dir, name, 'bin'), { recursive: true });
  writeFileSync(join(dir, name, 'bin', name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, name, 'bin', name), 0o755);
}

describe('what a target says its services are doing', () => {
  before(() => {
    daemon('steady', 'exec sleep 1000');
    daemon('flaky', `[ -e ${JSON.stringify(crashMarker)} ] && { echo "flaky: no configuration"; exit 3; }\nexec sleep 1000`);
    daemon('doomed', 'exec sleep 1000');
    mkdirSync(join(dir, 'note'), { recursive: true });
    writeFileSync(
      join(dir, 'services.nix'),
      `{ system, pkgs, distribution, invDistribution }: {
  steady = { name = "steady"; pkg = ./steady; type = "process"; };
  flaky = { name = "flaky"; pkg = ./flaky; type = "process"; };
  doomed = { name = "doomed"; pkg = ./doomed; type = "process"; };
  note = { name = "note"; pkg = ./note; type = "echo"; };
}`,
    );
    writeFileSync(join(dir, 'infrastructure.nix'), '{ a = { properties.hostname = "a"; clientInterface = "disnix-run-activity"; }; }');
    writeFileSync(join(dir, 'distribution.nix'), '{ infrastructure }: { steady = [ infrastructure.a ]; flaky = [ infrastructure.a ]; doomed = [ infrastructure.a ]; note = [ infrastructure.a ]; }');
    const r = dnx('deploy', '-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix');
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => {
    dnx('deploy', '--undeploy');
    rmSync(dir, { recursive: true, force: true });
  });

  it('says a supervised daemon runs, with its pid, and that an echo service is not known', () => {
    const steady = service('steady');
    assert.equal(steady.state, 'running');
    assert.match(steady.detail!, /^pid \d+, since \d{4}-\d\d-\d\dT/);
    assert.match(steady.log!, /steady\.log$/);
    assert.deepEqual([service('note').state, service('note').detail], ['unknown', 'the echo module cannot tell']);
  });

  it('tells a daemon killed with SIGKILL was restarted', async () => {
    const first = pidIn(service('steady').detail);
    process.kill(first, 'SIGKILL');
    const again = await until('steady', (s) => s.state === 'running' && pidIn(s.detail) !== first);
    assert.match(again.detail!, /restarted 1 time, last after signal SIGKILL$/);
  });

  it('reports a daemon that keeps dying as failed, with its exit status and log, also in the text listing', async () => {
    writeFileSync(crashMarker, '');
    process.kill(pidIn(service('flaky').detail), 'SIGKILL');
    const failed = await until('flaky', (s) => s.state === 'failed' && /exit status 3/.test(s.detail ?? ''));
    assert.match(failed.detail!, /^exited with exit status 3 at .*; restarting at /);
    assert.match(readFileSync(failed.log!, 'utf8'), /flaky: no configuration/);
    const text = dnx('query', '-i', 'infrastructure.nix').stdout;
    assert.match(text, /-flaky {2}\(process\) {2}\[failed: exited with exit status 3 .*; log: .*flaky\.log\]\n/);
    assert.match(text, /-steady {2}\(process\)\n/);
  });

  it('says a daemon whose supervisor was killed runs unwatched, and stopped once it is killed too', async () => {
    const pid = pidIn(service('doomed').detail);
    process.kill(supervisorOf('doomed'), 'SIGKILL');
    const unwatched = await until('doomed', (s) => /supervisor is gone/.test(s.detail ?? ''));
    assert.equal(unwatched.state, 'running');
    process.kill(pid, 'SIGKILL');
    const stopped = await until('doomed', (s) => s.state !== 'running');
    assert.deepEqual([stopped.state, stopped.detail], ['stopped', 'not running: it and its supervisor were stopped from outside the deployment']);
  });
});
