import { EvalError } from '../errors';
import type { Loc } from '../source';
import { Lambda, NixAttrs, type Lazy, type Value } from '../values';
import { forceAttrs, forceFunction, forceList, forceStringNoContext, known, type Define } from './helpers';

function select(attrs: NixAttrs, name: string, loc: Loc): Lazy {
  const v = attrs.get(name);
  if (v === undefined) throw new EvalError('missing-attribute', `attribute '${name}' missing`, loc);
  return v;
}

export function registerAttrs(define: Define): void {
  define('attrNames', 1, (ev, [s], loc) => forceAttrs(ev, s, loc).sortedNames().slice());
  define('attrValues', 1, (ev, [s], loc) => {
    const a = forceAttrs(ev, s, loc);
    return a.sortedNames().map((n) => a.get(n)!);
  });
  define('getAttr', 2, (ev, [n, s], loc) => {
    const name = forceStringNoContext(ev, n, loc);
    return ev.force(select(forceAttrs(ev, s, loc), name, loc));
  });
  define('hasAttr', 2, (ev, [n, s], loc) => forceAttrs(ev, s, loc).has(forceStringNoContext(ev, n, loc)));

  define('removeAttrs', 2, (ev, [s, l], loc) => {
    const a = forceAttrs(ev, s, loc);
    const names = forceList(ev, l, loc).map((x) => forceStringNoContext(ev, x, loc));
    const vals = new Map(a.vals);
    for (const n of names) vals.delete(n);
    return new NixAttrs(vals, a.locs);
  }, { global: true });

  define('intersectAttrs', 2, (ev, [x, y], loc) => {
    const a = forceAttrs(ev, x, loc);
    const b = forceAttrs(ev, y, loc);
    const vals = new Map<string, Lazy>();
    for (const [k, v] of b.vals) if (a.has(k)) vals.set(k, v);
    return new NixAttrs(vals, b.locs);
  });

  define('listToAttrs', 1, (ev, [l], loc) => {
    const vals = new Map<string, Lazy>();
    for (const item of forceList(ev, l, loc)) {
      const entry = forceAttrs(ev, item, loc);
      const name = forceStringNoContext(ev, select(entry, 'name', loc), loc);
      if (!vals.has(name)) vals.set(name, select(entry, 'value', loc));
    }
    return new NixAttrs(vals);
  });

  define('mapAttrs', 2, (ev, [f, s], loc) => {
    const a = forceAttrs(ev, s, loc);
    const vals = new Map<string, Lazy>();
    for (const [k, v] of a.vals) vals.set(k, ev.lazyCall(f, [k, v], loc));
    return new NixAttrs(vals, a.locs);
  });

  define('zipAttrsWith', 2, (ev, [f, l], loc) => {
    const groups = new Map<string, Lazy[]>();
    for (const item of forceList(ev, l, loc)) {
      for (const [k, v] of forceAttrs(ev, item, loc).vals) {
        const g = groups.get(k);
        if (g) g.push(v);
        else groups.set(k, [v]);
      }
    }
    const vals = new Map<string, Lazy>();
    for (const [k, g] of groups) vals.set(k, ev.lazyCall(f, [k, g], loc));
    return new NixAttrs(vals);
  });

  define('catAttrs', 2, (ev, [n, l], loc) => {
    const name = forceStringNoContext(ev, n, loc);
    const out: Lazy[] = [];
    for (const item of forceList(ev, l, loc)) {
      const v = forceAttrs(ev, item, loc).get(name);
      if (v !== undefined) out.push(v);
    }
    return out;
  });

  define('functionArgs', 1, (ev, [f], loc) => {
    const fn = forceFunction(ev, f, loc);
    const vals = new Map<string, Lazy>();
    if (fn instanceof Lambda && fn.expr.formals) for (const formal of fn.expr.formals.entries) vals.set(formal.name, formal.default !== undefined);
    return new NixAttrs(vals);
  });

  define('unsafeGetAttrPos', 2, (ev, [n, s], loc) => {
    const name = forceStringNoContext(ev, n, loc);
    const at = forceAttrs(ev, s, loc).locOf(name);
    if (!at) return null;
    const p = at.source.position(at.start);
    return new NixAttrs(new Map<string, Lazy>([['file', at.source.path], ['line', BigInt(p.line + 1)], ['column', BigInt(p.character + 1)]]));
  });

  define('genericClosure', 1, (ev, [args], loc) => {
    const a = forceAttrs(ev, args, loc);
    const op = forceFunction(ev, select(a, 'operator', loc), loc);
    const work: Lazy[] = forceList(ev, select(a, 'startSet', loc), loc).slice();
    const keys: Value[] = [];
    const result: Lazy[] = [];
    while (work.length) {
      const item = work.shift()!;
      const key = known(ev, select(forceAttrs(ev, item, loc), 'key', loc));
      if (keys.some((k) => ev.equals(k, key, loc) === true)) continue;
      keys.push(key);
      result.push(item);
      work.push(...forceList(ev, ev.call(op, [item], loc), loc));
    }
    return result;
  });
}
