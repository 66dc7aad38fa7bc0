// HTTP Basic authentication for the SOAP service: a credentials file of `name:hash` lines, the
// hash made by `dnx soap-server --hash-password NAME` (scrypt, salted, with its parameters),
// so the file holds no password. Checking takes the same time whether the name is known or not.

import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';

const SCHEME = 'scrypt';
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export class CredentialsError extends Error {}

/** The credentials line for `name` and `password`. */
export function hashPassword(name: string, password: string): string {
  if (!name || name.includes(':') || /\s/.test(name)) throw new CredentialsError(`a user name has no ':' or spaces: '${name}'`);
  if (!password) throw new CredentialsError('the password is empty');
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N, r: R, p: P });
  return `${name}:${SCHEME}$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

interface Entry {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;

export class Credentials {
  /**
   * Digests of headers that were checked and right: a deployment makes hundreds of requests,
   * and scrypt is slow on purpose.
   */
  private readonly accepted = new Set<string>();

  private constructor(private readonly users: Map<string, Entry>) {}

  /** Reads a credentials file; blank lines and `#` comments are skipped, a malformed line is an error naming it. */
  static load(file: string): Credentials {
    const users = new Map<string, Entry>();
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#')) return;
        const colon = line.indexOf(':');
        const fields = line.slice(colon + 1).split('$');
        if (colon <= 0 || fields.length !== 6 || fields[0] !== SCHEME) throw new CredentialsError(`${file}:${i + 1}: not a credentials line (make one with dnx soap-server --hash-password NAME)`);
        const [n, r, p] = fields.slice(1, 4).map(Number);
        users.set(line.slice(0, colon), { n, r, p, salt: Buffer.from(fields[4], 'base64'), hash: Buffer.from(fields[5], 'base64') });
      });
    if (users.size === 0) throw new CredentialsError(`${file}: no users`);
    return new Credentials(users);
  }

  /** Whether an `Authorization` header names a user with the right password. */
  async check(header: string | undefined): Promise<boolean> {
    const digest = createHash('sha256').update(header ?? '').digest('base64');
    if (this.accepted.has(digest)) return true;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const known = this.users.get(decoded.slice(0, colon));
    // An unknown name is hashed as a known one is, so the answer's time does not tell names apart.
    const entry = known ?? { n: N, r: R, p: P, salt: Buffer.alloc(16), hash: Buffer.alloc(KEY_LENGTH) };
    const hash = await scryptAsync(decoded.slice(colon + 1), entry.salt, entry.hash.length, { N: entry.n, r: entry.r, p: entry.p });
    const right = timingSafeEqual(hash, entry.hash) && known !== undefined;
    if (right) this.accepted.add(digest);
    return right;
  }
}
