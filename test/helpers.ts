// Shared helpers for tests that evaluate Nix text in-process.

import { EvalError } from '../core/nix/errors';
import { Evaluator, type EvaluatorOptions } from '../core/nix/eval';
import { UnknownSignal } from '../core/nix/values';
import { parseNix } from '../core/nix/lower';
import { initParser } from '../core/nix/parser';
import { Source } from '../core/nix/source';
import type { Value } from '../core/nix/values';
import { toJson } from '../core/nix/builtins/json';

export const ready = initParser();

export function source(text: string, path = '/project/model.nix'): Source {
  return new Source(path, text, path.slice(0, path.lastIndexOf('/')) || '/');
}

export function syntaxDiagnostics(text: string) {
  return parseNix(source(text)).diagnostics;
}

/** Evaluates deeply and prints as `dnx eval` would; unknown values print as `<unknown>`. */
export function evalJson(text: string, options: EvaluatorOptions = {}): string {
  const ev = new Evaluator(options);
  const v = ev.evalString(text, '/project');
  return show(ev, v);
}

export function show(ev: Evaluator, v: Value): string {
  try {
    return toJson(ev, ev.deepForce(v), new Set(), undefined);
  } catch (e) {
    if (e instanceof UnknownSignal) return '<unknown>';
    throw e;
  }
}

export function evalError(text: string, options: EvaluatorOptions = {}): EvalError {
  try {
    evalJson(text, options);
  } catch (e) {
    if (e instanceof EvalError) return e;
    throw e;
  }
  throw new Error(`expected an evaluation error for: ${text}`);
}
