// Nix archives (NAR): the serialisation Nix hashes to name copied paths and sends closures in.
// One writer serves both: the evaluator hashes with it, deployments stream it. It is a
// synchronous generator reading files in bounded chunks, so neither needs a file in memory.

import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';

const CHUNK = 1 << 20;

export class NarError extends Error {}

export function u64(n: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

export function padding(len: number): Buffer {
  return Buffer.alloc((8 - (len % 8)) % 8);
}

/** A NAR string: its length, its bytes, zeros up to a multiple of 8. */
export function* narString(s: string | Buffer): Generator<Buffer> {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  yield u64(b.length);
  yield b;
  const pad = padding(b.length);
  if (pad.length) yield pad;
}

/** A regular file's contents at this point of a NAR: read only when the bytes are wanted. */
interface FileBody {
  path: string;
  size: number;
}

/** The NAR of a file, directory or symbolic link, entries in byte order. */
/** Which entries below the root go into the archive (`builtins.path`'s `filter`): all by default. */
export type NarFilter = (path: string, type: 'regular' | 'directory' | 'symlink' | 'unknown') => boolean;

export function* narChunks(path: string, keep?: NarFilter): Generator<Buffer> {
  for (const part of narParts(path, keep)) {
    if (Buffer.isBuffer(part)) yield part;
    else yield* contents(part.path, part.size);
  }
}

/** The size of the NAR of `path`, from its metadata alone (Nix asks for it before the NAR). */
export function narSize(path: string): number {
  let size = 0;
  for (const part of narParts(path)) size += Buffer.isBuffer(part) ? part.length : part.size;
  return size;
}

function* narParts(path: string, keep?: NarFilter): Generator<Buffer | FileBody> {
  yield* narString('nix-archive-1');
  yield* node(path, keep);
}

function* node(path: string, keep?: NarFilter): Generator<Buffer | FileBody> {
  const st = lstatSync(path);
  yield* narString('(');
  yield* narString('type');
  if (st.isSymbolicLink()) {
    yield* narString('symlink');
    yield* narString('target');
    yield* narString(readlinkSync(path));
  } else if (st.isDirectory()) {
    yield* narString('directory');
    const names = readdirSync(path).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      if (keep && !keep(`${path}/${name}`, typeOfEntry(`${path}/${name}`))) continue;
      yield* narString('entry');
      yield* narString('(');
      yield* narString('name');
      yield* narString(name);
      yield* narString('node');
      yield* node(`${path}/${name}`, keep);
      yield* narString(')');
    }
  } else if (st.isFile()) {
    yield* narString('regular');
    if (st.mode & 0o100) {
      yield* narString('executable');
      yield* narString('');
    }
    yield* narString('contents');
    yield u64(st.size);
    yield { path, size: st.size };
    const pad = padding(st.size);
    if (pad.length) yield pad;
  } else {
    throw new NarError(`${path} is neither a file, a directory nor a symbolic link`);
  }
  yield* narString(')');
}

function typeOfEntry(path: string): 'regular' | 'directory' | 'symlink' | 'unknown' {
  const st = lstatSync(path);
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : st.isFile() ? 'regular' : 'unknown';
}

/** Exactly `size` bytes of the file (its size when listed), chunk by chunk. */
function* contents(path: string, size: number): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    for (let done = 0; done < size; ) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - done));
      const n = readSync(fd, buf, 0, buf.length, done);
      if (n === 0) throw new NarError(`${path} shrank while it was being read`);
      done += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}
