import { EvalError } from '../errors';
import { NixAttrs, type Lazy, type Value } from '../values';
import { forceBool, forceFunction, forceInt, forceList, forceStringNoContext, known, type Define } from './helpers';

export function registerLists(define: Define): void {
  define('length', 1, (ev, [l], loc) => BigInt(forceList(ev, l, loc).length));

  define('head', 1, (ev, [l], loc) => {
    const list = forceList(ev, l, loc);
    if (list.length === 0) throw new EvalError('other', "list index 0 is out of bounds", loc);
    return ev.force(list[0]);
  });

  define('tail', 1, (ev, [l], loc) => {
    const list = forceList(ev, l, loc);
    if (list.length === 0) throw new EvalError('other', "'tail' called on an empty list", loc);
    return list.slice(1);
  });

  define('elemAt', 2, (ev, [l, n], loc) => {
    const list = forceList(ev, l, loc);
    const i = forceInt(ev, n, loc);
    if (i < 0n || i >= BigInt(list.length)) throw new EvalError('other', `list index ${i} is out of bounds`, loc);
    return ev.force(list[Number(i)]);
  });

  define('elem', 2, (ev, [x, l], loc) => {
    const v = ev.force(x);
    for (const item of forceList(ev, l, loc)) {
      const eq = ev.equals(v, known(ev, item), loc);
      if (eq === true) return true;
      if (eq !== false) return eq;
    }
    return false;
  });

  define('map', 2, (ev, [f, l], loc) => {
    forceFunction(ev, f, loc);
    return forceList(ev, l, loc).map((item) => ev.lazyCall(f, [item], loc));
  }, { global: true });

  define('filter', 2, (ev, [f, l], loc) => {
    const fn = forceFunction(ev, f, loc);
    return forceList(ev, l, loc).filter((item) => forceBool(ev, ev.call(fn, [item], loc), loc));
  });

  define("foldl'", 3, (ev, [f, init, l], loc) => {
    const list = forceList(ev, l, loc);
    let acc: Value = ev.force(init);
    if (list.length === 0) return acc;
    const fn = forceFunction(ev, f, loc);
    for (const item of list) acc = ev.call(fn, [acc, item], loc);
    return acc;
  });

  define('genList', 2, (ev, [f, n], loc) => {
    const len = forceInt(ev, n, loc);
    if (len < 0n) throw new EvalError('other', `cannot create list of size ${len}`, loc);
    ev.alloc(Number(len), loc);
    forceFunction(ev, f, loc);
    const out: Lazy[] = new Array(Number(len));
    for (let i = 0; i < out.length; i++) out[i] = ev.lazyCall(f, [BigInt(i)], loc);
    return out;
  });

  define('concatLists', 1, (ev, [l], loc) => {
    const lists = forceList(ev, l, loc).map((x) => forceList(ev, x, loc));
    const total = lists.reduce((n, x) => n + x.length, 0);
    ev.alloc(total, loc);
    return ([] as Lazy[]).concat(...lists);
  });

  define('concatMap', 2, (ev, [f, l], loc) => {
    const fn = forceFunction(ev, f, loc);
    const parts = forceList(ev, l, loc).map((item) => {
      const r = ev.call(fn, [item], loc);
      return forceList(ev, r, loc);
    });
    return ([] as Lazy[]).concat(...parts);
  });

  const quantifier = (name: string, want: boolean) =>
    define(name, 2, (ev, [f, l], loc) => {
      const fn = forceFunction(ev, f, loc);
      for (const item of forceList(ev, l, loc)) if (forceBool(ev, ev.call(fn, [item], loc), loc) === want) return want;
      return !want;
    });
  quantifier('any', true);
  quantifier('all', false);

  define('sort', 2, (ev, [f, l], loc) => {
    const fn = forceFunction(ev, f, loc);
    const list = forceList(ev, l, loc).slice();
    // Array.prototype.sort is stable, as Nix's std::stable_sort.
    return list.sort((a, b) => (forceBool(ev, ev.call(fn, [a, b], loc), loc) ? -1 : forceBool(ev, ev.call(fn, [b, a], loc), loc) ? 1 : 0));
  });

  define('partition', 2, (ev, [f, l], loc) => {
    const fn = forceFunction(ev, f, loc);
    const right: Lazy[] = [];
    const wrong: Lazy[] = [];
    for (const item of forceList(ev, l, loc)) (forceBool(ev, ev.call(fn, [item], loc), loc) ? right : wrong).push(item);
    return new NixAttrs(new Map<string, Lazy>([['right', right], ['wrong', wrong]]));
  });

  define('groupBy', 2, (ev, [f, l], loc) => {
    const fn = forceFunction(ev, f, loc);
    const groups = new Map<string, Lazy[]>();
    for (const item of forceList(ev, l, loc)) {
      const key = forceStringNoContext(ev, ev.call(fn, [item], loc), loc);
      const g = groups.get(key);
      if (g) g.push(item);
      else groups.set(key, [item]);
    }
    return new NixAttrs(groups as Map<string, Lazy>);
  });
}

