// Calling a model's top-level function the way Nix's autoCallFunction and Disnix do: the
// function gets the arguments its formals name (all of them with `...`); formals with a
// default may be left out.

import { EvalError } from './errors';
import type { Evaluator } from './eval';
import { Lambda, NixAttrs, type Lazy, type Value } from './values';

/** Calls `v` with the arguments its formals ask for; any other value is returned as it is. */
export function callWithFormals(ev: Evaluator, v: Value, args: Map<string, Lazy>): Value {
  if (!(v instanceof Lambda) || !v.expr.formals) return v;
  const vals = new Map<string, Lazy>();
  for (const f of v.expr.formals.entries) {
    const given = args.get(f.name);
    if (given !== undefined) vals.set(f.name, given);
    else if (!f.default) {
      throw new EvalError('bad-call', `cannot evaluate a function that has an argument without a value ('${f.name}')`, f.loc);
    }
  }
  if (v.expr.formals.ellipsis) for (const [k, a] of args) vals.set(k, a);
  return ev.call(v, [new NixAttrs(vals)], v.expr.loc);
}

