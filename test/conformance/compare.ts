// Runs one corpus case through our evaluator, the way `dnx eval` does, and compares the
// outcome with what Nix recorded: the same stdout, or an error of the same kind at the same place.

import { evalToJson } from '../../core/nix/instantiate';
import { EvalError } from '../../core/nix/errors';
import { Evaluator } from '../../core/nix/eval';
import type { Case, Outcome } from './corpus';

/** Our error kinds, folded onto the categories recorded from Nix's messages. */
function category(e: EvalError): string {
  if (/already defined at/.test(e.message)) return 'duplicate-attribute';
  if (/JSON syntax error/.test(e.message)) return 'json';
  if (e.kind === 'limit' && /stack overflow|nested calls/.test(e.message)) return 'infinite-recursion';
  return e.kind;
}

export function runCase(c: Case, dir: string, nixPath: string[]): Outcome {
  const ev = new Evaluator({ nixPath, onTrace: () => {} });
  try {
    const out = evalToJson(ev, { file: c.file, args: [], attrPaths: [], cwd: dir });
    return { stdout: out.join('') };
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    const pos = e.loc && e.loc.source.path.endsWith(c.file) ? e.loc.source.position(e.loc.start) : undefined;
    return { error: { kind: category(e), ...(pos ? { line: pos.line + 1, col: pos.character + 1 } : {}), message: e.message } };
  }
}

/** A description of how `actual` differs from `expected`, or undefined when they agree. */
export function difference(expected: Outcome, actual: Outcome): string | undefined {
  if ('stdout' in expected) {
    if ('stdout' in actual) return actual.stdout === expected.stdout ? undefined : `stdout ${JSON.stringify(actual.stdout)}, Nix ${JSON.stringify(expected.stdout)}`;
    return `error ${JSON.stringify(actual.error)}, Nix printed ${JSON.stringify(expected.stdout)}`;
  }
  if ('stdout' in actual) return `printed ${JSON.stringify(actual.stdout)}, Nix failed with ${JSON.stringify(expected.error)}`;
  if (actual.error.kind !== expected.error.kind) return `error kind ${actual.error.kind} (${JSON.stringify(actual.error)}), Nix ${expected.error.kind}`;
  const e = expected.error;
  if (e.line !== undefined && (actual.error.line !== e.line || actual.error.col !== e.col)) {
    return `error at ${actual.error.line}:${actual.error.col}, Nix at ${e.line}:${e.col} (${JSON.stringify(actual.error)})`;
  }
  return undefined;
}
