// Host key verification against OpenSSH's known_hosts files: plain, wildcard and hashed host
// names, `[host]:port` for other ports than 22, and `@revoked` keys. A host with no known key
// is never trusted silently: the error gives its fingerprint and the line to add.

import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostMatches } from './config';

interface KnownKey {
  hosts: string;
  type: string;
  /** The key blob, base64. */
  key: string;
  revoked: boolean;
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { kind: 'known' }
  | { kind: 'unknown' }
  | { kind: 'revoked'; at: string }
  | { kind: 'changed'; known: { type: string; fingerprint: string; at: string }[] };

export class KnownHosts {
  private constructor(private readonly keys: KnownKey[]) {}

  static load(files: string[]): KnownHosts {
    return new KnownHosts(files.filter((f) => existsSync(f)).flatMap((f) => parseKnownHosts(readFileSync(f, 'utf8'), f)));
  }

  static parse(text: string, file = 'known_hosts'): KnownHosts {
    return new KnownHosts(parseKnownHosts(text, file));
  }

  /** The key types known for the host, so the handshake can ask for one of those. */
  typesFor(host: string, port: number): string[] {
    return [...new Set(this.forHost(host, port).filter((k) => !k.revoked).map((k) => k.type))];
  }

  verify(host: string, port: number, blob: Buffer): HostKeyVerdict {
    const type = keyType(blob);
    const key = blob.toString('base64');
    const entries = this.forHost(host, port);
    const revoked = this.keys.find((k) => k.revoked && k.key === key);
    if (revoked) return { kind: 'revoked', at: `${revoked.file}:${revoked.line}` };
    if (entries.some((k) => !k.revoked && k.key === key && k.type === type)) return { kind: 'known' };
    // A key of another type proves nothing either way (OpenSSH asks, we refuse as unknown).
    const sameType = entries.filter((k) => !k.revoked && k.type === type);
    if (sameType.length === 0) return { kind: 'unknown' };
    return { kind: 'changed', known: sameType.map((k) => ({ type: k.type, fingerprint: fingerprint(Buffer.from(k.key, 'base64')), at: `${k.file}:${k.line}` })) };
  }

  private forHost(host: string, port: number): KnownKey[] {
    const name = hostEntryName(host, port);
    return this.keys.filter((k) => entryMatches(k.hosts, name));
  }
}

/** How known_hosts names a host: `host`, or `[host]:port` for other ports than 22. */
export function hostEntryName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:...` as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The algorithm name a key blob starts with (`ssh-ed25519`, `ssh-rsa`, ...). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** The known_hosts line that trusts this key for this host. */
export function knownHostsLine(host: string, port: number, blob: Buffer): string {
  return `${hostEntryName(host, port)} ${keyType(blob)} ${blob.toString('base64')}`;
}

function entryMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return hostMatches(hosts.split(','), name);
}

function parseKnownHosts(text: string, file: string): KnownKey[] {
  const keys: KnownKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    let revoked = false;
    if (words[0].startsWith('@')) {
      const marker = words.shift()!;
      // Certificate authorities are not supported: such lines vouch for no key here.
      if (marker !== '@revoked') return;
      revoked = true;
    }
    const [hosts, type, key] = words;
    if (!hosts || !type || !key) return;
    keys.push({ hosts, type, key, revoked, file, line: i + 1 });
  });
  return keys;
}
