import { EvalError } from '../errors';
import { NixAttrs, type Lazy } from '../values';
import { forceStringText, known, type Define } from './helpers';

export function registerControl(define: Define): void {
  define('throw', 1, (ev, [msg], loc) => {
    // The only error besides a failed `assert` that `tryEval` catches.
    throw new EvalError('throw', forceStringText(ev, msg, loc), loc);
  }, { global: true });
  define('abort', 1, (ev, [msg], loc) => {
    throw new EvalError('abort', `evaluation aborted with the following error message: '${forceStringText(ev, msg, loc)}'`, loc);
  }, { global: true });
  define('seq', 2, (ev, [a, b]) => {
    ev.force(a);
    return ev.force(b);
  });
  define('deepSeq', 2, (ev, [a, b]) => {
    ev.deepForce(ev.force(a));
    return ev.force(b);
  });
  define('trace', 2, (ev, [msg, v], loc) => {
    const m = known(ev, msg);
    const text = typeof m === 'string' ? m : ev.coerceToString(m, new Set(), loc, { coerceMore: true });
    ev.options.onTrace?.(text);
    return ev.force(v);
  });
  define('tryEval', 1, (ev, [v]) => {
    try {
      const value = ev.force(v);
      return new NixAttrs(new Map<string, Lazy>([['success', true], ['value', value]]));
    } catch (e) {
      if (e instanceof EvalError && (e.kind === 'throw' || e.kind === 'assertion')) {
        return new NixAttrs(new Map<string, Lazy>([['success', false], ['value', false]]));
      }
      throw e;
    }
  });
  define('addErrorContext', 2, (ev, [ctx, v], loc) => {
    try {
      return ev.force(v);
    } catch (e) {
      if (e instanceof EvalError) e.addTrace(loc, forceStringText(ev, ctx, loc));
      throw e;
    }
  });
}
