// What `nix-instantiate --eval --strict --json` prints for a file or expression, with its
// automatic arguments and `-A` paths: `dnx eval`'s core, and the conformance corpus's.

import { resolve } from 'node:path';
import { toJson } from './builtins/json';
import { callWithFormals } from './call';
import { EvalError } from './errors';
import type { Evaluator } from './eval';
import { NixAttrs, Thunk, Unknown, UnknownSignal, type Lazy, type Value } from './values';

/** Follows `-A a.b.0.c` through sets and lists. */
export function selectAttrPath(ev: Evaluator, v: Value, path: string, autoArgs: Map<string, Lazy>): Value {
  let cur = v;
  if (path === '') return cur;
  for (const part of path.split('.')) {
    cur = callWithFormals(ev, cur, autoArgs);
    if (cur instanceof Unknown) return cur;
    if (/^[0-9]+$/.test(part) && Array.isArray(cur)) {
      const i = Number(part);
      if (i >= cur.length) throw new EvalError('missing-attribute', `list index ${i} in selection path '${path}' is out of range`);
      cur = ev.force(cur[i]);
      continue;
    }
    if (!(cur instanceof NixAttrs)) throw new EvalError('type', `the expression selected by the selection path '${path}' should be a set but is ${ev.typeError(cur, '', undefined).message.split(' while')[0].replace('value is ', '')}`);
    const a = cur.get(part);
    if (a === undefined) throw new EvalError('missing-attribute', `attribute '${part}' in selection path '${path}' not found`);
    cur = ev.force(a);
  }
  return cur;
}

export interface EvalRequest {
  file?: string;
  expr?: string;
  args: { name: string; expr?: string; str?: string }[];
  attrPaths: string[];
  cwd: string;
}

/** What `dnx eval` prints, one JSON text per attribute path; throws EvalError. */
export function evalToJson(ev: Evaluator, req: EvalRequest): string[] {
  return ev.guard(() => {
    const autoArgs = new Map<string, Lazy>();
    for (const a of req.args) {
      const text = a.expr;
      autoArgs.set(a.name, text === undefined ? a.str! : new Thunk(null, null, () => ev.evalString(text, req.cwd, '«arg»')));
    }
    const v: Value = req.expr !== undefined ? ev.evalString(req.expr, req.cwd) : ev.force(ev.importFile(resolve(req.cwd, req.file!), undefined));
    const paths = req.attrPaths.length ? req.attrPaths : [''];
    return paths.map((path) => {
      try {
        const r = ev.deepForce(callWithFormals(ev, selectAttrPath(ev, v, path, autoArgs), autoArgs));
        return toJson(ev, r, new Set(), undefined);
      } catch (e) {
        // The editor tolerates unknown values; a printed result cannot.
        if (e instanceof UnknownSignal) throw new EvalError('io', e.value.reason, e.value.loc);
        throw e;
      }
    });
  });
}
