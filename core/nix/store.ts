// Store paths computed as Nix computes them, without a store: NAR hashes (./nar.ts) for paths
// copied to the store, `toFile` text paths, and Nix's base-32 encoding.

import { createHash } from 'node:crypto';
import { EvalError } from './errors';
import { UnknownSignal } from './values';
import { narChunks, type NarFilter } from './nar';
import { baseNameOf } from './paths';
import type { Loc } from './source';

export const STORE_DIR = '/nix/store';
const BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

export function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

export function toNixBase32(bytes: Buffer): string {
  const len = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    const c = (bytes[i] >> j) | (i + 1 < bytes.length ? bytes[i + 1] << (8 - j) : 0);
    out += BASE32[c & 0x1f];
  }
  return out;
}

function compressHash(hash: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < hash.length; i++) out[i % size] ^= hash[i];
  return out;
}

/** `/nix/store/<hash>-<name>` for a store object of the given type and content hash. */
export function makeStorePath(type: string, hashHex: string, name: string): string {
  const fingerprint = `${type}:sha256:${hashHex}:${STORE_DIR}:${name}`;
  return `${STORE_DIR}/${toNixBase32(compressHash(sha256(fingerprint), 20))}-${name}`;
}

export function makeTextPath(name: string, text: string, references: Iterable<string>): string {
  const refs = [...references].sort();
  const type = ['text', ...refs].join(':');
  return makeStorePath(type, sha256(text).toString('hex'), name);
}

const NAME_RE = /^[A-Za-z0-9+\-._?=][A-Za-z0-9+\-._?=]*$/;

export function checkStoreName(name: string, loc: Loc | undefined): void {
  if (name.length === 0 || name.length > 211 || !NAME_RE.test(name) || name.startsWith('.')) {
    throw new EvalError('other', `invalid store path name '${name}'`, loc);
  }
}

export function narHash(path: string, keep?: NarFilter): Buffer {
  return narDigest(path, keep).hash;
}

/** The SHA-256 and the size of the NAR of `path` (of what `keep` keeps of it), in one pass. */
export function narDigest(path: string, keep?: NarFilter): { hash: Buffer; size: number } {
  const h = createHash('sha256');
  let size = 0;
  for (const chunk of narChunks(path, keep)) {
    h.update(chunk);
    size += chunk.length;
  }
  return { hash: h.digest(), size };
}

/** The store object a deployment must make for `storePath`: a folder or file copied, or a `toFile` text. */
export type StoreSource = { kind: 'path'; path: string } | { kind: 'text'; text: string; references: string[] };

/**
 * What one evaluation put in the store (without a store: it only computed the paths), so a
 * deployment of what it computed can make those objects for real. One per evaluator: a
 * long-running editor sees a package folder as it is now, not as an earlier analysis hashed it.
 */
export class StoreSources {
  private readonly byPath = new Map<string, string>();
  private readonly sources = new Map<string, StoreSource>();

  get(storePath: string): StoreSource | undefined {
    return this.sources.get(storePath);
  }

  /**
   * Where a file under a store path this evaluation copied can be read: the folder it was
   * copied from holds the same bytes (`import "${./checkout}/default.nix"` reads the checkout).
   */
  readablePath(path: string): string | undefined {
    if (!path.startsWith(STORE_DIR + '/')) return undefined;
    const end = path.indexOf('/', STORE_DIR.length + 1);
    const source = this.sources.get(end < 0 ? path : path.slice(0, end));
    return source?.kind === 'path' ? source.path + (end < 0 ? '' : path.slice(end)) : undefined;
  }

  recordText(storePath: string, text: string, references: string[]): void {
    this.sources.set(storePath, { kind: 'text', text, references });
  }

  /** The store path `path` gets when copied to the store (as `"${./path}"` does), hashed once per evaluation. */
  copyPath(path: string, loc: Loc | undefined): string {
    const known = this.byPath.get(path);
    if (known) return known;
    const storePath = copyPathToStore(path, baseNameOf(path), loc);
    this.byPath.set(path, storePath);
    this.sources.set(storePath, { kind: 'path', path });
    return storePath;
  }

  /**
   * `builtins.path`: `path` copied under `name`, only what `keep` keeps. A filtered copy is not
   * recorded for deploying (the deployment copies whole folders), so deploying it says so.
   */
  addPath(path: string, name: string, keep: NarFilter | undefined, loc: Loc | undefined): string {
    const storePath = copyPathToStore(path, name, loc, keep);
    if (!keep) this.sources.set(storePath, { kind: 'path', path });
    return storePath;
  }
}

/** The store path `path` would get when copied to the store under `name` (as `"${./path}"` does). */
function copyPathToStore(path: string, name: string, loc: Loc | undefined, keep?: NarFilter): string {
  checkStoreName(name, loc);
  let hash: Buffer;
  try {
    hash = narHash(path, keep);
  } catch (e) {
    // What the filter itself raised is the filter's, not the file system's.
    if (e instanceof EvalError || e instanceof UnknownSignal) throw e;
    throw new EvalError('io', `getting status of '${path}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`, loc);
  }
  return makeStorePath('source', hash.toString('hex'), name);
}
