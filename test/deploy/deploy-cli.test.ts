// `dnx deploy` with local targets and real processes: a failed activation rolls everything
// back and the old version still answers; a locked target refuses a second deployment; a
// container property full of quotes, semicolons and newlines arrives as written and runs
// nothing; rollback returns to the previous generation.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { get } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { supervisors } from '../supervisors';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dnx-deploy-'));
const state = join(dir, 'state');
const log = join(dir, 'wrapper.log');
const failMarker = join(dir, 'fail');
const pwned = join(dir, 'pwned');
const PORT = 18190;
const NOTE = `it's; "quoted" \`x\`\n$(touch ${pwned})`;

const dnx = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: state, XDG_STATE_HOME: state } });
const deploy = (...extra: string[]) => dnx('deploy', '-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix', ...extra);
const agent = (target: string, ...args: string[]) => spawnSync(process.execPath, [join(root, 'dist', 'agent.js'), '--state-dir', join(state, 'targets', target), ...args], { encoding: 'utf8' });

/** The web service's package; a broken one exits at once with an error. */
function writeWeb(version: string, broken = false): void {
  const bin = join(dir, 'web', 'bin');
  mkdirSync(bin, { recursive: true });
  const body = broken ? `console.error('${version}: missing configuration'); process.exit(3);` : `require('node:http').createServer((q, r) => r.end('${version}')).listen(${PORT}, '127.0.0.1');`;
  writeFileSync(join(bin, 'web'), `#!/usr/bin/env node\n${body}\n`);
  chmodSync(join(bin, 'web'), 0o755);
}

/** What the web service answers, on a fresh connection (a kept-alive one may outlive the server asked before). */
function answer(): Promise<string> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port: PORT, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', () => resolve('no answer'));
  });
}

/**
 * Stops the daemons a failed test may leave (undeploying only stops what the last deployment
 * recorded): each supervisor below `folder` stops its daemon on SIGTERM. Otherwise the next
 * run finds the port taken.
 */
function stopSupervisorsUnder(folder: string): void {
  for (const pid of supervisors((argv) => argv.some((w) => w.startsWith(folder)))) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
}

describe('dnx deploy to local targets', () => {
  before(() => {
    writeWeb('v1');
    mkdirSync(join(dir, 'checker', 'bin'), { recursive: true });
    // A wrapper that logs what it was asked, with its container property, and fails activation on demand.
    writeFileSync(join(dir, 'checker', 'bin', 'wrapper'), `#!/bin/sh\nprintf '%s <%s>\\n' "$1" "$note" >> "$log"\nif [ "$1" = activate ] && [ -e "$failIf" ]; then echo "refusing to start" >&2; exit 1; fi\n`);
    chmodSync(join(dir, 'checker', 'bin', 'wrapper'), 0o755);
    writeFileSync(
      join(dir, 'services.nix'),
      `{ system, pkgs, distribution, invDistribution }: rec {
  web = { name = "web"; pkg = ./web; type = "process"; };
  checker = { name = "checker"; pkg = { web }: ./checker; dependsOn = { inherit web; }; type = "wrapper"; };
}`,
    );
    writeFileSync(
      join(dir, 'infrastructure.nix'),
      `{
  a = { properties.hostname = "a"; containers.process = { }; clientInterface = "disnix-run-activity"; };
  b = { properties.hostname = "b"; containers.wrapper = { log = ${JSON.stringify(log)}; failIf = ${JSON.stringify(failMarker)}; note = ${JSON.stringify(NOTE).replace(/\$/g, '\\$')}; }; clientInterface = "disnix-run-activity"; };
}`,
    );
    writeFileSync(join(dir, 'distribution.nix'), '{ infrastructure }: { web = [ infrastructure.a ]; checker = [ infrastructure.b ]; }');
  });
  after(() => {
    dnx('deploy', '--undeploy');
    stopSupervisorsUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys; the container property arrives as written and runs nothing', async () => {
    const r = deploy();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(await answer(), 'v1');
    assert.equal(readFileSync(log, 'utf8').split(/(?<=>)\n/)[0], `activate <${NOTE}>`);
    assert.equal(existsSync(pwned), false);
  });

  it('says there is nothing to do when the targets already run the models', () => {
    const r = deploy();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\nNothing to do: the targets already run this configuration \(generation 1 of profile 'default'; checked in [\d.]+ s\)\.\n$/);
  });

  it('says nothing was changed when a target cannot be reached', () => {
    writeFileSync(join(dir, 'unreachable.nix'), '{ a = { properties.hostname = "a"; clientInterface = "/nonexistent/disnix-client"; }; b = { properties.hostname = "b"; clientInterface = "/nonexistent/disnix-client"; }; }');
    writeWeb('v1.1');
    const r = dnx('deploy', '-s', 'services.nix', '-i', 'unreachable.nix', '-d', 'distribution.nix');
    writeWeb('v1');
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^Deployment failed after [\d.]+ s: .*\/nonexistent\/disnix-client.*\nNothing was changed\.\n$/m);
  });

  it('rolls back when an activation fails: the old version still answers', async () => {
    writeWeb('v2', true);
    const r = deploy();
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^Deployment failed after [\d.]+ s: a: activate: web: .*\/bin\/web did not keep running \(exited with exit status 3 at start\); its log \(.*\) ends: v2: missing configuration$/m);
    assert.match(r.stderr, /The previous configuration was restored\./);
    assert.equal(await answer(), 'v1');
    assert.match(dnx('deploy', '--list-generations').stdout, /^ +1 .*\(current\)\n$/);
  });

  it('rolls back when an activation on another target fails, as disnix-activate does', async () => {
    writeWeb('v2');
    writeFileSync(failMarker, '');
    const r = deploy();
    // The old checker cannot start again either (the marker fails every activation): status 2.
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^Deployment failed after [\d.]+ s: b: activate: the wrapper of checker failed \(exit status 1\): refusing to start$/m);
    assert.match(r.stderr, /Restoring the previous services failed/);
    rmSync(failMarker);
    // The next deployment starts from what runs (the journal), not from generation 1.
    const logged = readFileSync(log, 'utf8').length;
    const again = deploy();
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /An earlier deployment .* did not end cleanly/);
    assert.match(readFileSync(log, 'utf8').slice(logged), /^activate </m, 'the checker runs again');
    assert.equal(await answer(), 'v2');
  });

  it('refuses to deploy while another holds the lock, and says who', () => {
    const owner = JSON.stringify({ host: 'elsewhere', pid: 4242 });
    assert.equal(agent('a', '--lock', '--owner', owner).status, 0);
    const r = deploy();
    assert.equal(r.status, 1);
    assert.match(r.stderr, /a: lock: profile 'default' is locked by a deployment on elsewhere \(pid 4242\); if that deployment is no longer running, break its locks with: dnx lock --unlock --force -p default/);
    assert.equal(agent('a', '--unlock', '--owner', owner).status, 0);
  });

  it('deploys the new version, then rolls back to the old one, writing each step to --events-fd', async () => {
    assert.equal(deploy().status, 0);
    assert.equal(await answer(), 'v2');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'dnx'), 'deploy', '--rollback', '--events-fd', '3'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, DNX_STATE_DIR: state, XDG_STATE_HOME: state } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Deployed generation 1 /);
    assert.equal(await answer(), 'v1');
    const events = String(r.output[3]).trim().split('\n').map((l) => JSON.parse(l));
    const web = events.filter((e) => e.service === 'web').map((e) => `${e.activity} ${e.state} ${e.target}/${e.container}/${e.service}`);
    assert.deepEqual(web, ['deactivate start a/process/web', 'deactivate done a/process/web', 'activate start a/process/web', 'activate done a/process/web']);
    assert.ok(events.some((e) => e.phase === 'unlock' && e.target === 'b'), 'every phase is there, not only the service steps');
  });

  it('refuses an --events-fd that is not open', () => {
    const r = dnx('deploy', '--rollback', '--events-fd', '99');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--events-fd 99: no such open file descriptor/);
    // Descriptor 3 is open in any Node process (its event loop's), but it is no file or pipe.
    const internal = dnx('deploy', '--rollback', '--events-fd', '3');
    assert.equal(internal.status, 2);
    assert.match(internal.stderr, /--events-fd 3: not an open file, pipe or socket/);
  });
});

describe('dnx deploy to a target that does not keep what it is sent', () => {
  const here = mkdtempSync(join(tmpdir(), 'dnx-deploy-lost-'));
  const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: here, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: join(here, 'state'), XDG_STATE_HOME: join(here, 'state') } });
  after(() => rmSync(here, { recursive: true, force: true }));

  it('stops before changing anything, saying what the target lacks', () => {
    // A Disnix client program that answers every operation with the real agent, but only
    // says it imported the closure.
    const client = join(here, 'forgetful-client');
    writeFileSync(client, `#!/bin/sh\nfor a in "$@"; do [ "$a" = --import ] && exit 0; done\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'dist', 'agent.js'))} --state-dir ${JSON.stringify(join(here, 'target'))} "$@"\n`);
    chmodSync(client, 0o755);
    mkdirSync(join(here, 'app', 'bin'), { recursive: true });
    writeFileSync(join(here, 'app', 'bin', 'wrapper'), `#!/bin/sh\necho "$1" >> ${JSON.stringify(join(here, 'activity'))}\n`);
    chmodSync(join(here, 'app', 'bin', 'wrapper'), 0o755);
    writeFileSync(join(here, 'services.nix'), '{ system, pkgs, distribution, invDistribution }: { app = { name = "app"; pkg = ./app; type = "wrapper"; }; }');
    writeFileSync(join(here, 'infrastructure.nix'), `{ t = { properties.hostname = "t"; containers.wrapper = { }; clientInterface = ${JSON.stringify(client)}; }; }`);
    writeFileSync(join(here, 'distribution.nix'), '{ infrastructure }: { app = [ infrastructure.t ]; }');

    const r = run('deploy', '-s', 'services.nix', '-i', 'infrastructure.nix', '-d', 'distribution.nix');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /t: import: the target does not hold what it was sent: 2 of 2 paths are missing \(\/nix\/store\/[a-z0-9]{32}-app/);
    assert.equal(existsSync(join(here, 'activity')), false, 'nothing was activated');
    assert.match(run('deploy', '--list-generations').stdout, /no generations/);
  });
});
