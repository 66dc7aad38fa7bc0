import type { Evaluator } from '../eval';
import { formatFloat } from '../numbers';
import type { Loc } from '../source';
import { ContextString, Lambda, NixAttrs, NixPath, Unknown, UnknownSignal, isString, makeString, stringOf, type Value } from '../values';
import { known, type Define } from './helpers';

/** Escapes an XML attribute value as Nix's toXML does. */
export function escapeAttr(s: string): string {
  let out = '';
  for (const c of s) {
    if (c === '<') out += '&lt;';
    else if (c === '&') out += '&amp;';
    else if (c === '"') out += '&quot;';
    else if (c === '>') out += '&gt;';
    else if (c === '\n') out += '&#xA;';
    else if (c === '\r') out += '&#xD;';
    else if (c === '\t') out += '&#x9;';
    else out += c;
  }
  return out;
}

/** `builtins.toXML`, byte for byte as Nix writes it (Disnix hashes this output). */
export function toXml(ev: Evaluator, v: Value, ctx: Set<string>, loc: Loc): string {
  const lines: string[] = ["<?xml version='1.0' encoding='utf-8'?>", '<expr>'];
  const seenDrvs = new Set<string>();
  const empty = (depth: number, tag: string, attrs: [string, string][] = []) => {
    const a = attrs.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, val]) => ` ${k}="${escapeAttr(val)}"`).join('');
    lines.push(`${'  '.repeat(depth)}<${tag}${a} />`);
  };
  const open = (depth: number, tag: string, attrs: [string, string][] = []) => {
    const a = attrs.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, val]) => ` ${k}="${escapeAttr(val)}"`).join('');
    lines.push(`${'  '.repeat(depth)}<${tag}${a}>`);
  };
  const close = (depth: number, tag: string): void => {
    lines.push(`${'  '.repeat(depth)}</${tag}>`);
  };
  const showAttrs = (a: NixAttrs, depth: number) => {
    for (const name of a.sortedNames()) {
      open(depth, 'attr', [['name', name]]);
      show(ev.force(a.get(name)!), depth + 1);
      close(depth, 'attr');
    }
  };
  const show = (x: Value, depth: number): void => {
    if (x instanceof Unknown) throw new UnknownSignal(x);
    switch (typeof x) {
      case 'bigint': return empty(depth, 'int', [['value', x.toString()]]);
      case 'number': return empty(depth, 'float', [['value', formatFloat(x)]]);
      case 'boolean': return empty(depth, 'bool', [['value', x ? 'true' : 'false']]);
      case 'string': return empty(depth, 'string', [['value', x]]);
    }
    if (x === null) return empty(depth, 'null');
    if (x instanceof ContextString) {
      for (const c of x.context) ctx.add(c);
      return empty(depth, 'string', [['value', x.s]]);
    }
    if (x instanceof NixPath) return empty(depth, 'path', [['value', x.path]]);
    if (Array.isArray(x)) {
      open(depth, 'list');
      for (const item of x) show(ev.force(item), depth + 1);
      return close(depth, 'list');
    }
    if (x instanceof NixAttrs) {
      if (ev.isDerivation(x)) {
        const attrs: [string, string][] = [];
        let drvPath = '';
        for (const key of ['drvPath', 'outPath']) {
          const lazy = x.get(key);
          if (lazy === undefined) continue;
          const val = ev.force(lazy);
          if (isString(val)) {
            attrs.push([key, stringOf(val)]);
            if (key === 'drvPath') drvPath = stringOf(val);
          }
        }
        open(depth, 'derivation', attrs);
        if (drvPath !== '' && !seenDrvs.has(drvPath)) {
          seenDrvs.add(drvPath);
          showAttrs(x, depth + 1);
        } else empty(depth + 1, 'repeated');
        return close(depth, 'derivation');
      }
      open(depth, 'attrs');
      showAttrs(x, depth + 1);
      return close(depth, 'attrs');
    }
    if (x instanceof Lambda) {
      open(depth, 'function');
      const e = x.expr;
      if (e.formals) {
        const attrs: [string, string][] = [];
        if (e.formals.ellipsis) attrs.push(['ellipsis', '1']);
        if (e.arg !== undefined) attrs.push(['name', e.arg]);
        open(depth + 1, 'attrspat', attrs);
        for (const f of [...e.formals.entries].sort((a, b) => (a.name < b.name ? -1 : 1))) empty(depth + 2, 'attr', [['name', f.name]]);
        close(depth + 1, 'attrspat');
      } else empty(depth + 1, 'varpat', [['name', e.arg ?? '']]);
      return close(depth, 'function');
    }
    return empty(depth, 'unevaluated');
  };
  show(v, 1);
  lines.push('</expr>');
  void loc;
  return lines.join('\n') + '\n';
}

export function registerXml(define: Define): void {
  define('toXML', 1, (ev, [v], loc) => {
    const ctx = new Set<string>();
    return makeString(toXml(ev, known(ev, v), ctx, loc), ctx);
  });
}
