// The builtins: registered by theme, exposed as the `builtins` set, as `__name` at the top
// level (as in Nix), and, for the few Nix binds globally, under their plain names.

import type { Evaluator } from '../eval';
import { NixAttrs, PrimOp, Thunk, type Lazy, type Value } from '../values';
import type { BuiltinDef, Define } from './helpers';
import { registerAttrs } from './attrs';
import { registerControl } from './control';
import { registerDerivation } from './derivation';
import { registerIo } from './io';
import { registerJson } from './json';
import { registerLists } from './lists';
import { registerNumbers } from './numbers';
import { registerStrings } from './strings';
import { registerTypes } from './types';
import { registerXml } from './xml';

export interface Builtins {
  /** The `builtins` attribute set. */
  set: NixAttrs;
  /** Names bound in the base environment, and their slots. */
  globalSlots: Map<string, number>;
  globalValues: Lazy[];
}

export const NIX_VERSION = '2.8.0';
export const LANG_VERSION = 6n;

export function installBuiltins(ev: Evaluator): Builtins {
  const defs: BuiltinDef[] = [];
  const define: Define = (name, arity, fn, options) => defs.push({ name, arity, fn, global: options?.global });
  for (const register of [registerTypes, registerNumbers, registerStrings, registerLists, registerAttrs, registerControl, registerIo, registerJson, registerXml, registerDerivation]) {
    register(define);
  }

  const vals = new Map<string, Lazy>();
  const globals = new Map<string, Lazy>();
  for (const d of defs) {
    // Arity 0 builtins are constants computed on first use.
    const v: Lazy = d.arity === 0 ? new Thunk(null, null, () => d.fn(ev, [], { source: undefined!, start: 0, end: 0 })) : new PrimOp(d.name, d.arity, (args, loc) => d.fn(ev, args, loc));
    vals.set(d.name, v);
    globals.set(`__${d.name}`, v);
    if (d.global) globals.set(d.name, v);
  }
  const constants: [string, Value][] = [
    ['currentSystem', ev.currentSystem],
    ['nixVersion', NIX_VERSION],
    ['langVersion', LANG_VERSION],
    ['storeDir', '/nix/store'],
    ['nixPath', ev.nixPath.map((e) => new NixAttrs(new Map<string, Lazy>([['path', e.path], ['prefix', e.prefix]])))],
    ['true', true],
    ['false', false],
    ['null', null],
  ];
  for (const [name, value] of constants) {
    vals.set(name, value);
    globals.set(name === 'true' || name === 'false' || name === 'null' ? name : `__${name}`, value);
  }
  const set = new NixAttrs(vals);
  vals.set('builtins', set);
  globals.set('builtins', set);

  return { set, globalSlots: slotsFor([...globals.keys()]), globalValues: [...globals.values()] };
}

let sharedSlots: Map<string, number> | undefined;

/**
 * The slots of the global names. Every evaluator binds the same names in the same order, so
 * they share one map, and a file parsed (and its variables resolved) for one evaluator can be
 * reused by the next.
 */
function slotsFor(names: string[]): Map<string, number> {
  if (sharedSlots && sharedSlots.size === names.length && names.every((n, i) => sharedSlots!.get(n) === i)) return sharedSlots;
  sharedSlots = new Map(names.map((n, i) => [n, i]));
  return sharedSlots;
}
