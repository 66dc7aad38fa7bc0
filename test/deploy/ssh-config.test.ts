// Reading ~/.ssh/config and known_hosts as OpenSSH does, and quoting for the remote shell: the
// parts of the SSH transport that decide where a deployment goes and whom it trusts.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { SshConfig } from '../../core/deploy/ssh/config';
import { parseSshAddress } from '../../core/deploy/ssh/connect';
import { fingerprint, KnownHosts, knownHostsLine } from '../../core/deploy/ssh/known-hosts';
import { shellQuote } from '../../core/deploy/ssh/quote';

/** A made-up key blob of a type: what an SSH server presents. */
function blob(type: string, seed: string): Buffer {
  const name = Buffer.from(type);
  const body = Buffer.from(seed.padEnd(32, '.'));
  const len = (b: Buffer) => Buffer.from([0, 0, 0, b.length]);
  return Buffer.concat([len(name), name, len(body), body]);
}

describe('ssh config', () => {
  const config = SshConfig.parse(`
# deploy hosts
Host web-*  !web-legacy
  User deployer
  Port 2200
  IdentityFile ~/.ssh/deploy_%h

Host web-1
  HostName 10.0.0.11
  User ignored-because-first-wins
  ProxyJump bastion,admin@gw:2222

Host *
  User fallback
  IdentityFile /keys/common
  ServerAliveInterval 5
  ConnectTimeout 3
  UserKnownHostsFile /etc/dnx/known "/with space/known"
`);

  it('takes the first value of each option, adds up identity files and expands tokens', () => {
    const h = config.resolve('web-1', {}, {});
    assert.equal(h.hostName, '10.0.0.11');
    assert.equal(h.user, 'deployer');
    assert.equal(h.port, 2200);
    assert.equal(h.identityFiles.length, 2);
    assert.match(h.identityFiles[0], /\.ssh\/deploy_10\.0\.0\.11$/);
    assert.equal(h.identityFiles[1], '/keys/common');
    assert.deepEqual(h.proxyJump, ['bastion', 'admin@gw:2222']);
    assert.equal(h.serverAliveIntervalMs, 5000);
    assert.equal(h.connectTimeoutMs, 3000);
    assert.deepEqual(h.knownHostsFiles.slice(0, 2), ['/etc/dnx/known', '/with space/known']);
  });

  it('skips blocks whose negated pattern matches', () => {
    const h = config.resolve('web-legacy', {}, {});
    assert.equal(h.user, 'fallback');
    assert.equal(h.port, 22);
    assert.equal(h.hostName, 'web-legacy');
  });

  it('lets the address override the config, as ssh -p and user@ do', () => {
    const h = config.resolve('web-2', { user: 'root', port: 2022 }, {});
    assert.equal(h.user, 'root');
    assert.equal(h.port, 2022);
  });

  it('uses SSH_USER and the default keys when nothing says otherwise', () => {
    const h = SshConfig.parse('').resolve('plain', {}, { SSH_USER: 'ops', SSH_AUTH_SOCK: '/run/agent.sock' });
    assert.equal(h.user, 'ops');
    assert.equal(h.agent, '/run/agent.sock');
    assert.deepEqual(
      h.identityFiles.map((f) => f.split('/').pop()),
      ['id_ed25519', 'id_ecdsa', 'id_rsa'],
    );
    assert.equal(h.serverAliveIntervalMs, 15000, 'keep-alives are on by default, so a dead host is noticed');
  });

  it('reports an option that is not a number', () => {
    assert.throws(() => SshConfig.parse('Port twenty-two').resolve('x', {}, {}), /Port must be a whole number, not 'twenty-two'/);
  });
});

describe('ssh addresses', () => {
  it('reads [user@]host[:port], with IPv6 in brackets', () => {
    assert.deepEqual(parseSshAddress('host'), { user: undefined, host: 'host', port: undefined });
    assert.deepEqual(parseSshAddress('root@10.0.0.1:2222'), { user: 'root', host: '10.0.0.1', port: 2222 });
    assert.deepEqual(parseSshAddress('[::1]:2200'), { user: undefined, host: '::1', port: 2200 });
    assert.deepEqual(parseSshAddress('fe80::1'), { user: undefined, host: 'fe80::1', port: undefined });
    assert.throws(() => parseSshAddress('host:70000'), /out of range/);
  });
});

describe('known_hosts', () => {
  const ed = blob('ssh-ed25519', 'server-key');
  const other = blob('ssh-ed25519', 'attacker-key');
  const rsa = blob('ssh-rsa', 'rsa-key');
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[db.example]:2222').digest('base64')}`;
  const known = KnownHosts.parse(
    [
      `web.example,10.0.0.5 ssh-ed25519 ${ed.toString('base64')}`,
      `${hashed} ssh-ed25519 ${ed.toString('base64')}`,
      `*.lab ssh-rsa ${rsa.toString('base64')}`,
      `@revoked * ssh-ed25519 ${blob('ssh-ed25519', 'stolen').toString('base64')}`,
      `@cert-authority *.example ssh-ed25519 ${other.toString('base64')}`,
    ].join('\n'),
  );

  it('knows a listed key by any of its names, hashed names and [host]:port', () => {
    assert.equal(known.verify('web.example', 22, ed).kind, 'known');
    assert.equal(known.verify('10.0.0.5', 22, ed).kind, 'known');
    assert.equal(known.verify('db.example', 2222, ed).kind, 'known');
    assert.equal(known.verify('db.example', 22, ed).kind, 'unknown', 'another port is another entry');
    assert.equal(known.verify('box.lab', 22, rsa).kind, 'known');
  });

  it('tells a changed key from an unknown host, and names the known key', () => {
    const v = known.verify('web.example', 22, other);
    assert.equal(v.kind, 'changed');
    assert.equal(v.kind === 'changed' && v.known[0].fingerprint, fingerprint(ed));
    assert.equal(v.kind === 'changed' && v.known[0].at, 'known_hosts:1');
    assert.equal(known.verify('new.example', 22, ed).kind, 'unknown');
    assert.equal(known.verify('web.example', 22, rsa).kind, 'unknown', 'a key of another type proves nothing');
    assert.equal(known.verify('x', 22, blob('ssh-ed25519', 'stolen')).kind, 'revoked');
    assert.equal(known.verify('a.example', 22, other).kind, 'unknown', 'certificate authorities vouch for no plain key');
  });

  it('gives the line that trusts a key', () => {
    assert.equal(knownHostsLine('10.1.1.1', 2200, ed), `[10.1.1.1]:2200 ssh-ed25519 ${ed.toString('base64')}`);
    assert.deepEqual(known.typesFor('web.example', 22), ['ssh-ed25519']);
  });
});

describe('remote shell quoting', () => {
  it('passes any word through /bin/sh unchanged, running nothing', () => {
    const words = [`it's; "quoted" \`x\``, '$(touch /tmp/dnx-pwned)', 'multi\nline', '', 'plain', '*', '~root', 'a\\b', '-n'];
    const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
  });
});
