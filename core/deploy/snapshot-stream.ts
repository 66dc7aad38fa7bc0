// Snapshot folders as one byte stream, for moving state between machines over a single SSH
// channel: for each folder, a marker, its name (the snapshot's id) and its content as a NAR;
// then an end marker. Written and read with the NAR code Nix's export format uses, so a
// folder's names cannot leave the folder it is restored into.

import { chmod, lstat, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { narChunks, narString, u64 } from '../nix/nar';
import { ByteReader, NarError, restoreNar } from './nar';

const SNAPSHOT_ID = /^[A-Za-z0-9_+=?-][A-Za-z0-9._+=?-]*$/;

/** A new temporary folder to restore a snapshot stream into. */
export function snapshotsTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dnx-snapshots-'));
}

export function* snapshotStream(folders: string[]): Generator<Buffer> {
  for (const folder of folders) {
    yield u64(1);
    yield* narString(basename(folder));
    yield* narChunks(folder);
  }
  yield u64(0);
}

/**
 * Restores the folders of a snapshot stream into a new temporary folder `dir` (the caller's to
 * remove, also when this fails); resolves with the folders' paths.
 */
export async function readSnapshotStream(source: AsyncIterable<Buffer | string>, dir: string): Promise<string[]> {
  const r = new ByteReader(source);
  const folders: string[] = [];
  for (;;) {
    const more = await r.u64();
    if (more === 0n) {
      // Reading to the end lets the source finish (an SSH channel closes only once read out).
      if (!(await r.atEnd())) throw new NarError('the snapshot stream goes on after its end marker');
      return folders;
    }
    if (more !== 1n) throw new NarError('this is not a snapshot stream (bad marker)');
    const id = await r.string();
    if (!SNAPSHOT_ID.test(id) || id.length > 255) throw new NarError(`the stream holds a snapshot named '${id.slice(0, 60)}', which is not allowed`);
    const folder = join(dir, id);
    await restoreNar(r, folder);
    await makeWritable(folder);
    folders.push(folder);
  }
}

/** The files of a snapshot folder, relative to it, in a stable order (the SOAP transport moves a snapshot file by file, as DisnixWebService does). */
export async function snapshotFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)))
    .sort();
}

/** A NAR restores read-only, as a store path; state is the service's to change. */
async function makeWritable(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    await chmod(path, 0o755);
    for (const name of await readdir(path)) await makeWritable(join(path, name));
  } else await chmod(path, st.mode & 0o111 ? 0o755 : 0o644);
}
