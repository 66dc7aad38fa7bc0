// `dnx eval`: nix-instantiate --eval --strict --json, same JSON on stdout, errors located as
// FILE:LINE:COL on stderr.

import { EvalError } from '../core/nix/errors';
import { Evaluator } from '../core/nix/eval';
import { evalToJson } from '../core/nix/instantiate';
import { initParser } from '../core/nix/parser';
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

export async function runEval(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  await initParser();
  const nixPath = [...args.includes, ...(process.env.NIX_PATH ?? '').split(':').filter(Boolean)];
  // As deep as the stack takes it (the worker has 512 MB), as Nix goes as deep as its own: a stack overflow is reported as a limit.
  const ev = new Evaluator({ nixPath, onTrace: (m) => process.stderr.write(`trace: ${m}\n`), maxDepth: Infinity });
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
