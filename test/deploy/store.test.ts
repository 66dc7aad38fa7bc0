// Our store and Nix's export format: a closure sent and received arrives whole and read-only;
// a stream that tries to write outside the store, or is cut short, adds nothing; and real
// Nix reads what we write and we read what it writes.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NixStore } from '../../core/deploy/nix-store';
import { copyTree, LocalStore } from '../../core/deploy/store';
import { makeStorePath } from '../../core/nix/store';

const dir = mkdtempSync(join(tmpdir(), 'dnx-store-'));
const P = '/nix/store/0bcdfghijklmnpqrsvwxyz0123456789-web';
const Q = '/nix/store/1bcdfghijklmnpqrsvwxyz0123456789-conf';

function collect(gen: Iterable<Buffer>): Buffer {
  return Buffer.concat([...gen]);
}

describe('store and export format', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'bin'), { recursive: true });
  writeFileSync(join(src, 'bin', 'web'), '#!/bin/sh\necho hi\n');
  chmodSync(join(src, 'bin', 'web'), 0o755);
  writeFileSync(join(src, 'big'), Buffer.alloc(3 << 20, 7));
  symlinkSync('bin/web', join(src, 'link'));

  it('sends a closure and receives it whole, references first, read-only', async () => {
    const from = new LocalStore(join(dir, 'from'));
    await from.addText(Q, 'port=1', []);
    await from.addTree(P, src, [Q]);
    assert.deepEqual(from.closure([P]), [Q, P]);
    const to = new LocalStore(join(dir, 'to'));
    assert.deepEqual(to.invalid([P, Q]), [P, Q]);
    assert.deepEqual(await to.importPaths(from.exportPaths(from.closure([P]))), [Q, P]);
    assert.deepEqual(to.invalid([P, Q]), []);
    assert.equal(readFileSync(join(to.realPath(P), 'bin', 'web'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal(statSync(join(to.realPath(P), 'bin', 'web')).mode & 0o777, 0o555);
    assert.equal(statSync(join(to.realPath(P), 'big')).size, 3 << 20);
    assert.deepEqual(to.info(P)!.references, [Q]);
    assert.equal(to.info(P)!.narHash, from.info(P)!.narHash);
    // Sending again adds nothing.
    assert.deepEqual(await to.importPaths(from.exportPaths([Q, P])), []);
  });

  it('refuses an entry that would leave the store, and keeps nothing of that stream', async () => {
    const from = new LocalStore(join(dir, 'evil-from'));
    const evil = join(dir, 'evil');
    mkdirSync(join(evil, 'aa'), { recursive: true });
    writeFileSync(join(evil, 'aa', 'x'), 'x');
    await from.addTree(P, evil);
    // Same length as "aa", so the archive stays well formed: only the name is wrong.
    const stream = (collect(from.exportPaths([P]))).toString('latin1').replace('\x02\0\0\0\0\0\0\0aa', '\x02\0\0\0\0\0\0\0..');
    const to = new LocalStore(join(dir, 'evil-to'));
    await assert.rejects(to.importPaths([Buffer.from(stream, 'latin1')]), /entry named '\.\.'/);
    assert.equal(to.isValid(P), false);
    assert.equal(existsSync(join(dir, 'evil-to', 'x')), false);
  });

  it('adds nothing from a stream cut short', async () => {
    const from = new LocalStore(join(dir, 'from'));
    const whole = collect(from.exportPaths([Q, P]));
    const to = new LocalStore(join(dir, 'cut'));
    await assert.rejects(to.importPaths([whole.subarray(0, whole.length - 5000)]), /ended early/);
    assert.deepEqual(to.invalid([P]), [P]);
  });

  it('reads what nix-store --export writes', { skip: spawnSync('nix-store', ['--version']).status !== 0 && 'Nix is not installed' }, async () => {
    const added = execFileSync('nix-store', ['--add', src], { encoding: 'utf8' }).trim();
    const exported = execFileSync('nix-store', ['--export', added], { maxBuffer: 64 << 20 });
    const to = new LocalStore(join(dir, 'from-nix'));
    assert.deepEqual(await to.importPaths([exported]), [added]);
    assert.equal(readFileSync(join(to.realPath(added), 'bin', 'web'), 'utf8'), '#!/bin/sh\necho hi\n');
    // Our export of it is byte for byte what Nix wrote.
    assert.deepEqual(collect(to.exportPaths([added])), exported);
  });

  it('reads what Nix built beneath it, and never writes or deletes there', { skip: spawnSync('nix-store', ['--version']).status !== 0 && 'Nix is not installed' }, async () => {
    const added = execFileSync('nix-store', ['--add', src], { encoding: 'utf8' }).trim();
    const store = new LocalStore(join(dir, 'over-nix'), new NixStore());
    assert.equal(store.isValid(added), true, 'what Nix holds counts');
    assert.equal(store.realPath(added), added);
    // The same object added here too lands here, and collecting it here leaves Nix's copy.
    const ours = await store.add((dest) => copyTree(src, dest), (hash) => makeStorePath('source', hash, 'src'));
    assert.equal(ours, added);
    assert.equal(store.realPath(added), join(dir, 'over-nix', added.slice('/nix/store/'.length)));
    assert.deepEqual(await store.collectGarbage([]), [added]);
    assert.equal(readFileSync(join(added, 'bin', 'web'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal(spawnSync('nix-store', ['--check-validity', added]).status, 0);
    assert.equal(store.realPath(added), added);
  });
});
