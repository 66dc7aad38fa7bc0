// Shared helpers for tests that evaluate Nix text in-process.

import { EvalError } from '../core/nix/errors';
import { Evaluator, type EvaluatorOptions } from '../core/nix/eval';
import { UnknownSignal } from '../core/nix/values';
import { parseNix } from '../core/nix/lower';
import { initParser } from '../core/nix/parser';
import type { FileType, NixFiles } from '../core/nix/files';
import { Source } from '../core/nix/source';
import type { Value } from '../core/nix/values';
import { toJson } from '../core/nix/builtins/json';

export const ready = initParser();

/** A parse's tree and diagnostics as comparable text (without the source each node points at). */
export function parseShape(parsed: { expr: unknown; diagnostics: unknown }): string {
  return JSON.stringify([parsed.expr, parsed.diagnostics], (k, v) => (k === 'source' ? undefined : typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v));
}

/** Files held in memory, by absolute path: a path not given does not exist; folders are what the paths imply. */
export function memoryFiles(files: Record<string, string> | Map<string, string>): NixFiles {
  const all = files instanceof Map ? files : new Map(Object.entries(files));
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  const isDir = (path: string) => [...all.keys()].some((p) => p.startsWith(path.endsWith('/') ? path : `${path}/`));
  return {
    readText: (path) => {
      const text = all.get(path);
      if (text === undefined) throw missing(path);
      return text;
    },
    typeOf: (path) => (all.has(path) ? 'regular' : isDir(path) ? 'directory' : undefined),
    readDir: (path) => {
      if (!isDir(path)) throw missing(path);
      const names = new Set([...all.keys()].filter((p) => p.startsWith(`${path}/`)).map((p) => p.slice(path.length + 1).split('/')[0]));
      return [...names].sort().map((n) => [n, all.has(`${path}/${n}`) ? 'regular' : 'directory'] as [string, FileType]);
    },
  };
}

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
