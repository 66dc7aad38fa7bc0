import { createHash } from 'node:crypto';
import { EvalError } from '../errors';
import { ContextString, NixAttrs, makeString, type Lazy, type Value } from '../values';
import { posixRegex } from './regex';
import { forceInt, forceList, forceString, forceStringText, known, type Define } from './helpers';

// Nix strings are bytes; lengths and offsets count UTF-8 bytes.
const ASCII = /^[\x00-\x7f]*$/;

function byteLength(s: string): number {
  return ASCII.test(s) ? s.length : Buffer.byteLength(s);
}

function byteSlice(s: string, start: number, len: number): string {
  if (ASCII.test(s)) return s.substr(start, len);
  return Buffer.from(s).subarray(start, start + len).toString();
}

function addContext(ctx: Set<string>, v: string | ContextString): string {
  if (typeof v === 'string') return v;
  for (const c of v.context) ctx.add(c);
  return v.s;
}

export function splitVersion(v: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const { comp, next } = nextComponent(v, i);
    i = next;
    if (comp === '') break;
    out.push(comp);
  }
  return out;
}

function nextComponent(s: string, i: number): { comp: string; next: number } {
  while (i < s.length && (s[i] === '.' || s[i] === '-')) i++;
  if (i >= s.length) return { comp: '', next: i };
  const start = i;
  if (isDigit(s[i])) while (i < s.length && isDigit(s[i])) i++;
  else while (i < s.length && !isDigit(s[i]) && s[i] !== '.' && s[i] !== '-') i++;
  return { comp: s.slice(start, i), next: i };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function asInt(c: string): number | undefined {
  return /^[0-9]+$/.test(c) && c.length < 10 ? Number(c) : undefined;
}

function componentsLT(c1: string, c2: string): boolean {
  const n1 = asInt(c1);
  const n2 = asInt(c2);
  if (n1 !== undefined && n2 !== undefined) return n1 < n2;
  if (c1 === '' && n2 !== undefined) return true;
  if (c1 === 'pre' && c2 !== 'pre') return true;
  if (c2 === 'pre') return false;
  if (n2 !== undefined) return true;
  if (n1 !== undefined) return false;
  return c1 < c2;
}

export function compareVersions(v1: string, v2: string): number {
  let p1 = 0;
  let p2 = 0;
  while (p1 < v1.length || p2 < v2.length) {
    const a = nextComponent(v1, p1);
    const b = nextComponent(v2, p2);
    p1 = a.next;
    p2 = b.next;
    if (componentsLT(a.comp, b.comp)) return -1;
    if (componentsLT(b.comp, a.comp)) return 1;
  }
  return 0;
}

export function parseDrvName(s: string): { name: string; version: string } {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '-' && i + 1 < s.length && !/[A-Za-z]/.test(s[i + 1])) return { name: s.slice(0, i), version: s.slice(i + 1) };
  }
  return { name: s, version: '' };
}

export function registerStrings(define: Define): void {
  define('toString', 1, (ev, [v], loc) => {
    const ctx = new Set<string>();
    const s = ev.coerceToString(known(ev, v), ctx, loc, { coerceMore: true, copyToStore: false });
    return makeString(s, ctx);
  }, { global: true });

  define('stringLength', 1, (ev, [v], loc) => {
    const s = ev.coerceToString(known(ev, v), new Set(), loc, { copyToStore: true });
    return BigInt(byteLength(s));
  });

  define('substring', 3, (ev, [start, len, str], loc) => {
    const st = forceInt(ev, start, loc);
    const ln = forceInt(ev, len, loc);
    const ctx = new Set<string>();
    const s = ev.coerceToString(known(ev, str), ctx, loc, { copyToStore: true });
    if (st < 0n) throw new EvalError('other', "negative start position in 'substring'", loc);
    const total = byteLength(s);
    const from = Number(st > BigInt(total) ? BigInt(total) : st);
    const count = ln < 0n ? total : Number(ln > BigInt(total) ? BigInt(total) : ln);
    return makeString(byteSlice(s, from, count), ctx);
  });

  define('concatStringsSep', 2, (ev, [sep, list], loc) => {
    const ctx = new Set<string>();
    const sepS = addContext(ctx, forceString(ev, sep, loc));
    const parts = forceList(ev, list, loc).map((item) => ev.coerceToString(known(ev, item), ctx, loc, { copyToStore: true }));
    const s = parts.join(sepS);
    ev.alloc(s.length, loc);
    return makeString(s, ctx);
  });

  define('replaceStrings', 3, (ev, [fromL, toL, str], loc) => {
    const from = forceList(ev, fromL, loc).map((f) => forceStringText(ev, f, loc));
    const toLazy = forceList(ev, toL, loc);
    if (from.length !== toLazy.length) throw new EvalError('other', "'from' and 'to' arguments to 'replaceStrings' have different lengths", loc);
    const ctx = new Set<string>();
    const s = addContext(ctx, forceString(ev, str, loc));
    const to: (string | undefined)[] = new Array(from.length);
    const toAt = (j: number): string => (to[j] ??= addContext(ctx, forceString(ev, toLazy[j], loc)));
    let res = '';
    for (let p = 0; p <= s.length; ) {
      let found = false;
      for (let j = 0; j < from.length; j++) {
        const f = from[j];
        if (s.startsWith(f, p)) {
          found = true;
          res += toAt(j);
          if (f.length === 0) {
            if (p < s.length) res += s[p];
            p++;
          } else p += f.length;
          break;
        }
      }
      if (!found) {
        if (p < s.length) res += s[p];
        p++;
      }
    }
    return makeString(res, ctx);
  });

  define('match', 2, (ev, [re, str], loc) => {
    const regex = posixRegex(forceStringText(ev, re, loc), true, loc);
    const m = regex.exec(forceStringText(ev, str, loc));
    if (!m) return null;
    return m.slice(1).map((g) => (g === undefined ? null : g));
  });

  define('split', 2, (ev, [re, str], loc) => {
    const regex = posixRegex(forceStringText(ev, re, loc), false, loc);
    const s = forceStringText(ev, str, loc);
    const out: Lazy[] = [];
    let last = 0;
    regex.lastIndex = 0;
    for (let m = regex.exec(s); m; m = regex.exec(s)) {
      out.push(s.slice(last, m.index));
      out.push(m.slice(1).map((g) => (g === undefined ? null : g)));
      last = m.index + m[0].length;
      if (m[0].length === 0) {
        if (regex.lastIndex >= s.length) break;
        regex.lastIndex++;
      }
    }
    out.push(s.slice(last));
    return out;
  });

  define('splitVersion', 1, (ev, [v], loc) => splitVersion(forceStringText(ev, v, loc)));
  define('compareVersions', 2, (ev, [a, b], loc) => BigInt(compareVersions(forceStringText(ev, a, loc), forceStringText(ev, b, loc))));
  define('parseDrvName', 1, (ev, [v], loc) => {
    const { name, version } = parseDrvName(forceStringText(ev, v, loc));
    return attrsOf([['name', name], ['version', version]]);
  });

  define('hashString', 2, (ev, [algo, str], loc) => {
    const a = forceStringText(ev, algo, loc);
    if (!['md5', 'sha1', 'sha256', 'sha512'].includes(a)) throw new EvalError('other', `unknown hash algorithm '${a}'`, loc);
    return createHash(a).update(forceStringText(ev, str, loc)).digest('hex');
  });

  define('unsafeDiscardStringContext', 1, (ev, [v], loc) => forceStringText(ev, v, loc));
  define('hasContext', 1, (ev, [v], loc) => forceString(ev, v, loc) instanceof ContextString);

  // A string's context as Nix shows it: per store path, `path = true` (the path itself),
  // `allOutputs = true` (a derivation's whole closure, `=drv`), `outputs = [ ... ]` (`!out!drv`).
  define('getContext', 1, (ev, [v], loc) => {
    const s = forceString(ev, v, loc);
    const info = new Map<string, { path?: boolean; allOutputs?: boolean; outputs: string[] }>();
    const of = (p: string) => info.get(p) ?? info.set(p, { outputs: [] }).get(p)!;
    for (const c of s instanceof ContextString ? s.context : []) {
      if (c.startsWith('=')) of(c.slice(1)).allOutputs = true;
      else if (c.startsWith('!')) {
        const [, output, drv] = /^!([^!]*)!(.*)$/.exec(c)!;
        of(drv).outputs.push(output);
      } else of(c).path = true;
    }
    const entry = (i: { path?: boolean; allOutputs?: boolean; outputs: string[] }) =>
      attrsOf([...(i.allOutputs ? [['allOutputs', true] as [string, Value]] : []), ...(i.outputs.length ? [['outputs', i.outputs.sort()] as [string, Value]] : []), ...(i.path ? [['path', true] as [string, Value]] : [])]);
    return attrsOf([...info].map(([p, i]) => [p, entry(i)]));
  });

  define('appendContext', 2, (ev, [v, c], loc) => {
    const s = forceString(ev, v, loc);
    const context = new Set(s instanceof ContextString ? s.context : []);
    const set = known(ev, c);
    if (!(set instanceof NixAttrs)) throw ev.typeError(set, 'a set', loc);
    for (const path of set.sortedNames()) {
      if (!path.startsWith('/nix/store/')) throw new EvalError('other', `context key '${path}' is not a store path`, set.locOf(path) ?? loc);
      const info = known(ev, set.get(path)!);
      if (!(info instanceof NixAttrs)) throw ev.typeError(info, 'a set', loc);
      const flag = (name: string) => info.has(name) && ev.force(info.get(name)!) === true;
      if (flag('path')) context.add(path);
      if (flag('allOutputs')) context.add(`=${path}`);
      if (info.has('outputs')) for (const o of forceList(ev, info.get('outputs')!, loc)) context.add(`!${forceStringText(ev, o, loc)}!${path}`);
    }
    return makeString(typeof s === 'string' ? s : s.s, context);
  });
}

function attrsOf(entries: [string, Value][]): NixAttrs {
  return new NixAttrs(new Map<string, Lazy>(entries));
}
