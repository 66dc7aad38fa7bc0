// `dnx eval`: nix-instantiate --eval --strict --json, same JSON on stdout, errors located as
// FILE:LINE:COL on stderr.

import { resolve } from 'node:path';
import { toJson } from '../core/nix/builtins/json';
import { EvalError } from '../core/nix/errors';
import { Evaluator, UnknownSignal } from '../core/nix/eval';
import { initParser } from '../core/nix/parser';
import { callWithFormals } from '../core/nix/call';
import { NixAttrs, Thunk, Unknown, type Lazy, type Value } from '../core/nix/values';
import { ArgReader, UsageError } from './args';

export const evalUsage = `usage: dnx eval (FILE | -E EXPR) [--arg NAME EXPR] [--argstr NAME STRING] [-A ATTRPATH] [-I PATH] [--show-trace]

Evaluates a Nix expression strictly and prints it as JSON, like
nix-instantiate --eval --strict --json.`;

interface EvalArgs {
  file?: string;
  expr?: string;
  args: { name: string; expr?: string; str?: string }[];
  attrPaths: string[];
  includes: string[];
  showTrace: boolean;
}

function parseArgs(argv: string[]): EvalArgs {
  const out: EvalArgs = { args: [], attrPaths: [], includes: [], showTrace: false };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    switch (a) {
      case '-E': case '--expr': out.expr = r.value(a); break;
      case '--arg': out.args.push({ name: r.value(a), expr: r.value(a) }); break;
      case '--argstr': out.args.push({ name: r.value(a), str: r.value(a) }); break;
      case '-A': case '--attr': out.attrPaths.push(r.value(a)); break;
      case '-I': case '--include': out.includes.push(r.value(a)); break;
      case '--show-trace': out.showTrace = true; break;
      case '--strict': case '--json': case '--eval': break; // always on
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown flag '${a}'`);
        if (out.file !== undefined) throw new UsageError('only one FILE can be evaluated');
        out.file = a;
    }
  }
  if (out.file === undefined && out.expr === undefined) out.file = 'default.nix';
  if (out.file !== undefined && out.expr !== undefined) throw new UsageError('give either FILE or -E EXPR, not both');
  return out;
}

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

export async function runEval(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  await initParser();
  const nixPath = [...args.includes, ...(process.env.NIX_PATH ?? '').split(':').filter(Boolean)];
  const ev = new Evaluator({ nixPath });
  try {
    const outputs = evalToJson(ev, { ...args, cwd: process.cwd() });
    // Byte-identical to nix-instantiate --json, which ends with no newline.
    process.stdout.write(outputs.join(''));
    return 0;
  } catch (e) {
    if (e instanceof EvalError) {
      process.stderr.write(e.format(args.showTrace) + '\n');
      return 1;
    }
    throw e;
  }
}
