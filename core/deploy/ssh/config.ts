// The part of OpenSSH's client configuration (`~/.ssh/config`) a deployment needs: which
// address, port and user a host name means, which keys to offer, which jump hosts to go
// through, which known_hosts files to check, and the timeouts. As in OpenSSH, the first value
// found for an option wins (identity files add up), `Host` patterns may use `*`, `?` and `!`,
// and `Include` reads more files. `Match` blocks are not evaluated: their options are skipped.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';

interface Block {
  /** `Host` patterns; undefined for the options before the first `Host` (they apply to all). */
  patterns?: string[];
  /** A `Match` block: skipped. */
  match?: boolean;
  options: [string, string[]][];
}

export interface SshHost {
  /** The name given (an alias from the config, or a real host name). */
  alias: string;
  hostName: string;
  port: number;
  user: string;
  /** Private key files to offer, in order (the defaults when the config names none). */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** The agent socket to ask for keys, if any. */
  agent?: string;
  /** Jump hosts, first hop first, as `[user@]host[:port]`. */
  proxyJump: string[];
  knownHostsFiles: string[];
  connectTimeoutMs: number;
  serverAliveIntervalMs: number;
  serverAliveCountMax: number;
}

export class SshConfig {
  private constructor(private readonly blocks: Block[]) {}

  /** Reads `file` (default `~/.ssh/config`); a missing file is an empty configuration. */
  static load(file = join(homedir(), '.ssh', 'config')): SshConfig {
    return new SshConfig(existsSync(file) ? readBlocks(file, 0) : []);
  }

  static parse(text: string): SshConfig {
    return new SshConfig(parseBlocks(text, () => []));
  }

  /**
   * What `alias` means, with `defaults` (from the address or the environment) below anything
   * the configuration says, as with `ssh -p PORT user@host`.
   */
  resolve(alias: string, defaults: { user?: string; port?: number } = {}, env: NodeJS.ProcessEnv = process.env): SshHost {
    const first = new Map<string, string[]>();
    const identityFiles: string[] = [];
    for (const block of this.blocks) {
      if (block.match || (block.patterns && !hostMatches(block.patterns, alias))) continue;
      for (const [key, value] of block.options) {
        if (key === 'identityfile') identityFiles.push(...value);
        else if (!first.has(key)) first.set(key, value);
      }
    }
    const one = (key: string) => first.get(key)?.[0];
    const files = (key: string, fallback: string[]) => (first.get(key) ?? fallback).filter((f) => f !== 'none');
    const home = homedir();
    const hostName = (one('hostname') ?? alias).replace(/%h/g, alias);
    const port = defaults.port ?? numberOption(one('port'), 22, 'Port');
    const user = defaults.user ?? one('user') ?? env.SSH_USER ?? userInfo().username;
    const expand = (path: string) => expandPath(path, { home, alias, hostName, user, port });
    const knownHosts = [...files('userknownhostsfile', ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']), ...files('globalknownhostsfile', ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'])].map(expand);
    const agent = one('identityagent') ?? 'SSH_AUTH_SOCK';
    const jump = one('proxyjump');
    return {
      alias,
      hostName,
      port,
      user,
      identityFiles: identityFiles.length > 0 ? identityFiles.map(expand) : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)),
      identitiesOnly: one('identitiesonly')?.toLowerCase() === 'yes',
      agent: agent === 'none' ? undefined : agent === 'SSH_AUTH_SOCK' || agent === '$SSH_AUTH_SOCK' ? env.SSH_AUTH_SOCK || undefined : expand(agent),
      proxyJump: !jump || jump === 'none' ? [] : jump.split(',').map((h) => h.trim()).filter(Boolean),
      knownHostsFiles: knownHosts,
      connectTimeoutMs: numberOption(one('connecttimeout'), 20, 'ConnectTimeout') * 1000,
      // OpenSSH sends no keep-alives by default; a deployment wants to notice a dead host.
      serverAliveIntervalMs: numberOption(one('serveraliveinterval'), 15, 'ServerAliveInterval') * 1000,
      serverAliveCountMax: numberOption(one('serveralivecountmax'), 3, 'ServerAliveCountMax'),
    };
  }
}

export class SshConfigError extends Error {}

function numberOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new SshConfigError(`ssh config: ${name} must be a whole number, not '${value}'`);
  return n;
}

/** `Host` patterns: the host matches one of them and none of the negated ones. */
export function hostMatches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatches(p.slice(1), host)) return false;
    } else if (globMatches(p, host)) matched = true;
  }
  return matched;
}

export function globMatches(pattern: string, text: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  return re.test(text);
}

function expandPath(path: string, t: { home: string; alias: string; hostName: string; user: string; port: number }): string {
  const tokens: Record<string, string> = { '%': '%', d: t.home, h: t.hostName, n: t.alias, r: t.user, p: String(t.port), u: userInfo().username };
  return expandHome(path.replace(/%(.)/g, (whole, c: string) => tokens[c] ?? whole), t.home);
}

function expandHome(path: string, home = homedir()): string {
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

function readBlocks(file: string, depth: number): Block[] {
  if (depth > 8) throw new SshConfigError(`ssh config: Include goes too deep at ${file}`);
  return parseBlocks(readFileSync(file, 'utf8'), (pattern) => {
    const path = pattern.startsWith('~/') || isAbsolute(pattern) ? expandHome(pattern) : join(homedir(), '.ssh', pattern);
    return expandGlob(path).flatMap((f) => readBlocks(f, depth + 1));
  });
}

/** `Include` may name files with a `*` in their last part. */
function expandGlob(path: string): string[] {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash);
  const name = path.slice(slash + 1);
  if (!/[*?]/.test(name)) return existsSync(path) ? [path] : [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => globMatches(name, f))
    .sort()
    .map((f) => join(dir, f));
}

function parseBlocks(text: string, include: (pattern: string) => Block[]): Block[] {
  const blocks: Block[] = [{ options: [] }];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const words = splitWords(m[2]);
    if (key === 'host') blocks.push({ patterns: words, options: [] });
    else if (key === 'match') blocks.push({ match: !(words.length === 1 && words[0].toLowerCase() === 'all'), options: [] });
    else if (key === 'include') {
      // Included options belong to the block they appear in.
      const current = blocks[blocks.length - 1];
      for (const b of words.flatMap(include)) {
        if (b.patterns || b.match) blocks.push(b);
        else blocks[blocks.length - 1].options.push(...b.options);
      }
      // What follows the Include still belongs to the block it was in.
      if (blocks[blocks.length - 1] !== current) blocks.push({ ...current, options: [] });
    } else blocks[blocks.length - 1].options.push([key, words]);
  }
  return blocks;
}

function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2]);
  return words;
}
