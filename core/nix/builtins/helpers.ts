// Argument forcing for builtins. An unknown argument raises UnknownSignal, which makes the
// builtin's result unknown: builtins never report errors about values nobody can know.

import { EvalError } from '../errors';
import type { Evaluator } from '../eval';
import type { Loc } from '../source';
import {
  ContextString, Lambda, NixAttrs, NixPath, PartialPrimOp, PrimOp, Unknown, UnknownSignal, isString, stringOf,
  type Lazy, type Value,
} from '../values';

export type BuiltinFn = (ev: Evaluator, args: Lazy[], loc: Loc) => Value;

export interface BuiltinDef {
  name: string;
  arity: number;
  fn: BuiltinFn;
  /** Also bound at the top level without `builtins.` (map, toString, import, ...). */
  global?: boolean;
}

export type Define = (name: string, arity: number, fn: BuiltinFn, options?: { global?: boolean }) => void;

export function known(ev: Evaluator, v: Lazy): Value {
  const x = ev.force(v);
  if (x instanceof Unknown) throw new UnknownSignal(x);
  return x;
}

export function forceAttrs(ev: Evaluator, v: Lazy, loc: Loc): NixAttrs {
  const x = known(ev, v);
  if (!(x instanceof NixAttrs)) throw ev.typeError(x, 'a set', loc);
  return x;
}

export function forceList(ev: Evaluator, v: Lazy, loc: Loc): Lazy[] {
  const x = known(ev, v);
  if (!Array.isArray(x)) throw ev.typeError(x, 'a list', loc);
  return x;
}

export function forceInt(ev: Evaluator, v: Lazy, loc: Loc): bigint {
  const x = known(ev, v);
  if (typeof x !== 'bigint') throw ev.typeError(x, 'an integer', loc);
  return x;
}

export function forceBool(ev: Evaluator, v: Lazy, loc: Loc): boolean {
  const x = known(ev, v);
  if (typeof x !== 'boolean') throw ev.typeError(x, 'a Boolean', loc);
  return x;
}

export function forceFunction(ev: Evaluator, v: Lazy, loc: Loc): Value {
  const x = known(ev, v);
  if (!(x instanceof Lambda || x instanceof PrimOp || x instanceof PartialPrimOp || (x instanceof NixAttrs && x.has('__functor')))) {
    throw ev.typeError(x, 'a function', loc);
  }
  return x;
}

/** A string value, keeping its context. */
export function forceString(ev: Evaluator, v: Lazy, loc: Loc): string | ContextString {
  const x = known(ev, v);
  if (!isString(x)) throw ev.typeError(x, 'a string', loc);
  return x;
}

export function forceStringText(ev: Evaluator, v: Lazy, loc: Loc): string {
  return stringOf(forceString(ev, v, loc));
}

/** A string where Nix requires one without store references (attribute names and the like). */
export function forceStringNoContext(ev: Evaluator, v: Lazy, loc: Loc): string {
  const s = forceString(ev, v, loc);
  if (s instanceof ContextString) {
    throw new EvalError('type', `the string '${s.s}' is not allowed to refer to a store path (such as '${[...s.context][0]}')`, loc);
  }
  return s;
}

/** Coerces to a path string as Nix's coerceToPath does (paths, or strings that are absolute). */
export function coerceToPath(ev: Evaluator, v: Lazy, loc: Loc): string {
  const x = known(ev, v);
  if (x instanceof NixPath) return x.path;
  const ctx = new Set<string>();
  const s = ev.coerceToString(x, ctx, loc, { copyToStore: false });
  if (!s.startsWith('/')) throw new EvalError('type', `string '${s}' doesn't represent an absolute path`, loc);
  if (ctx.size === 0) return s;
  const copied = ev.storeSources.readablePath(s);
  if (copied) return copied;
  throw new UnknownSignal(new Unknown(`'${s}' is a store path that has to be built first`, loc));
}
