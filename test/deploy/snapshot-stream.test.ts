// Snapshot folders streamed between machines: what arrives is what left (files, executables,
// links, nesting), writable again; a stream naming a snapshot that could leave its folder is refused.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readSnapshotStream, snapshotStream } from '../../core/deploy/snapshot-stream';
import { narChunks, narString, u64 } from '../../core/nix/nar';

describe('snapshot streams', () => {
  it('carries folders with their files, executables and links, and restores them writable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnx-snap-'));
    const a = join(dir, 'a1b2');
    mkdirSync(join(a, 'data', 'deep'), { recursive: true });
    writeFileSync(join(a, 'data', 'deep', 'rows.txt'), 'one\ntwo\n');
    writeFileSync(join(a, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(a, 'run.sh'), 0o755);
    symlinkSync('data/deep/rows.txt', join(a, 'latest'));
    const b = join(dir, 'c3d4');
    mkdirSync(b);
    const folders = await readSnapshotStream(Readable.from(snapshotStream([a, b])), mkdtempSync(join(tmpdir(), 'dnx-snap-in-')));
    assert.deepEqual(folders.map((f) => basename(f)), ['a1b2', 'c3d4']);
    assert.equal(readFileSync(join(folders[0], 'data', 'deep', 'rows.txt'), 'utf8'), 'one\ntwo\n');
    assert.equal(statSync(join(folders[0], 'run.sh')).mode & 0o777, 0o755);
    assert.equal(statSync(join(folders[0], 'data', 'deep', 'rows.txt')).mode & 0o777, 0o644);
    assert.equal(readlinkSync(join(folders[0], 'latest')), 'data/deep/rows.txt');
  });

  it('refuses a snapshot named to climb out of its folder, and a stream cut short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnx-snap-'));
    const evil = [u64(1), ...narString('..'), ...narChunks(dir), u64(0)];
    await assert.rejects(readSnapshotStream(Readable.from(evil), mkdtempSync(join(tmpdir(), 'dnx-snap-in-'))), /a snapshot named '\.\.'/);
    const whole = Buffer.concat([...snapshotStream([dir])]);
    await assert.rejects(readSnapshotStream(Readable.from([whole.subarray(0, whole.length - 12)]), mkdtempSync(join(tmpdir(), 'dnx-snap-in-'))));
  });
});
