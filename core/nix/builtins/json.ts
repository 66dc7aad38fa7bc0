import { parse as parseToml } from 'toml';
import { EvalError } from '../errors';
import type { Evaluator } from '../eval';
import { formatFloat } from '../numbers';
import type { Loc } from '../source';
import { ContextString, Lambda, NixAttrs, NixPath, Unknown, UnknownSignal, makeString, showType, type Lazy, type Value } from '../values';
import { forceStringText, known, type Define } from './helpers';

/** A JSON string exactly as Nix writes it: only quotes, backslashes and control characters escaped. */
export function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 32) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += c;
  }
  return out + '"';
}

/** Nix's printValueAsJSON: sorted keys, `%g` floats, derivations as their outPath. */
export function toJson(ev: Evaluator, v: Value, ctx: Set<string>, loc: Loc | undefined, copyToStore = true): string {
  if (v instanceof Unknown) throw new UnknownSignal(v);
  switch (typeof v) {
    case 'bigint': return v.toString();
    case 'number': return formatFloat(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'string': return jsonString(v);
  }
  if (v === null) return 'null';
  if (v instanceof ContextString) {
    for (const c of v.context) ctx.add(c);
    return jsonString(v.s);
  }
  if (v instanceof NixPath) {
    if (!copyToStore) return jsonString(v.path);
    const p = ev.copyToStore(v.path, loc);
    ctx.add(p);
    return jsonString(p);
  }
  if (Array.isArray(v)) return '[' + v.map((item) => toJson(ev, ev.force(item), ctx, loc, copyToStore)).join(',') + ']';
  if (v instanceof NixAttrs) {
    if (v.has('__toString')) return jsonString(ev.coerceToString(v, ctx, loc, { copyToStore }));
    const out = v.get('outPath');
    if (out !== undefined) return toJson(ev, ev.force(out), ctx, loc, copyToStore);
    const parts: string[] = [];
    for (const name of v.sortedNames()) {
      parts.push(jsonString(name) + ':' + toJson(ev, ev.force(v.get(name)!), ctx, v.locOf(name) ?? loc, copyToStore));
    }
    return '{' + parts.join(',') + '}';
  }
  throw new EvalError('type', `cannot convert ${showType(v)} to JSON`, v instanceof Lambda ? v.expr.loc : loc);
}

/** Parses JSON into Nix values: integers stay integers, other numbers become floats. */
export function fromJson(text: string, loc: Loc): Value {
  let i = 0;
  const fail = (what: string): never => {
    throw new EvalError('other', `JSON syntax error at offset ${i}: ${what}`, loc);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"' };
        if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (e in map) {
          out += map[e];
          i += 2;
        } else fail('invalid escape');
      } else out += text[i++];
    }
    if (i >= text.length) {
      i = start;
      fail('unterminated string');
    }
    i++;
    return out;
  };
  const value = (depth: number): Value => {
    if (depth > 1000) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const vals = new Map<string, Lazy>();
      ws();
      if (text[i] === '}') {
        i++;
        return new NixAttrs(vals);
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        vals.set(k, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return new NixAttrs(vals);
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: Lazy[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return items;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') return fail('unexpected character');
    i += m[0].length;
    if (!m[2] && !m[3]) {
      const n = BigInt(m[0]);
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
    }
    return Number(m[0]);
  };
  const v = value(0);
  ws();
  if (i < text.length) fail('unexpected trailing characters');
  return v;
}

export function registerJson(define: Define): void {
  define('toJSON', 1, (ev, [v], loc) => {
    const ctx = new Set<string>();
    const s = toJson(ev, known(ev, v), ctx, loc);
    return makeString(s, ctx);
  });
  define('fromJSON', 1, (ev, [s], loc) => fromJson(forceStringText(ev, s, loc), loc));
  define('fromTOML', 1, (ev, [s], loc) => {
    let table: unknown;
    try {
      table = parseToml(forceStringText(ev, s, loc), { bigint: true });
    } catch (e) {
      throw new EvalError('other', `while parsing TOML: ${(e as Error).message.split('\n')[0]}`, loc);
    }
    return tomlToNix(table, loc);
  });
}

/** TOML data as Nix values: integers as Nix integers; dates and times, which Nix 2.8 has no value for, are an error as there. */
function tomlToNix(v: unknown, loc: Loc): Value {
  if (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map((item) => tomlToNix(item, loc));
  if (v instanceof Date) throw new EvalError('other', 'while parsing TOML: dates and times are not supported', loc);
  const vals = new Map<string, Lazy>();
  for (const [k, item] of Object.entries(v as Record<string, unknown>)) vals.set(k, tomlToNix(item, loc));
  return new NixAttrs(vals);
}
