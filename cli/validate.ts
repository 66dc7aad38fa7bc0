// `dnx validate`: the editor's diagnostics on the command line, printed like a compiler's
// (`FILE:LINE:COL: error: message [code]`) or as JSON with LSP-style ranges. Exit 1 when
// there is an error.

import { relative, resolve } from 'node:path';
import { analyseDeployment } from '../core/model/analyse';
import type { DeploymentFiles } from '../core/model/types';
import type { Diagnostic } from '../core/nix/diagnostic';
import { EvalError } from '../core/nix/errors';
import { Evaluator } from '../core/nix/eval';
import { initParser } from '../core/nix/parser';
import { NixAttrs, type Lazy } from '../core/nix/values';
import { ArgReader, UsageError } from './args';

export const validateUsage = `usage: dnx validate -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES] [options]
       dnx validate -A ARCHITECTURE [-P PACKAGES] [options]
       dnx validate -i INFRASTRUCTURE -P PACKAGES [options]

Checks the Disnix models and prints every problem found, at its place.

options:
  --extra-params EXPR   extra arguments for the services and distribution functions
  --ignore CODE         do not report this diagnostic code (may be repeated)
  --json                print a JSON array of diagnostics (0-based lines, UTF-16 columns)`;

interface ValidateArgs {
  files: DeploymentFiles;
  extraParams?: string;
  ignore: string[];
  json: boolean;
}

function parseArgs(argv: string[]): ValidateArgs {
  const out: ValidateArgs = { files: {}, ignore: [], json: false };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    switch (a) {
      case '-s': case '--services': out.files.services = resolve(r.value(a)); break;
      case '-i': case '--infrastructure': out.files.infrastructure = resolve(r.value(a)); break;
      case '-d': case '--distribution': out.files.distribution = resolve(r.value(a)); break;
      case '-P': case '--packages': out.files.packages = resolve(r.value(a)); break;
      case '-A': case '--architecture': out.files.architecture = resolve(r.value(a)); break;
      case '--extra-params': out.extraParams = r.value(a); break;
      case '--ignore': out.ignore.push(r.value(a)); break;
      case '--json': out.json = true; break;
      default: throw new UsageError(`unexpected argument '${a}'`);
    }
  }
  const f = out.files;
  // The combinations Disnix accepts (scripts/checks.in).
  const classic = f.services && f.infrastructure && f.distribution && !f.architecture;
  const architecture = f.architecture && !f.services && !f.distribution && !f.infrastructure;
  const packagesOnly = f.packages && f.infrastructure && !f.services && !f.distribution && !f.architecture;
  if (!classic && !architecture && !packagesOnly) throw new UsageError('an unknown combination of models was given');
  return out;
}

function extraParams(expr: string | undefined): Map<string, Lazy> | undefined {
  if (expr === undefined) return undefined;
  const ev = new Evaluator();
  const v = ev.force(ev.evalString(expr, process.cwd(), '«--extra-params»'));
  if (!(v instanceof NixAttrs)) throw new UsageError('--extra-params must be an attribute set');
  return v.vals;
}

export function formatDiagnostic(d: Diagnostic, cwd: string): string {
  const where = (loc: Diagnostic['loc']) => {
    const p = loc.source.position(loc.start);
    const path = loc.source.path.startsWith('/') ? relative(cwd, loc.source.path) : loc.source.path;
    return `${path}:${p.line + 1}:${p.character + 1}`;
  };
  const lines = [`${where(d.loc)}: ${d.severity}: ${d.message} [${d.code}]`];
  for (const r of d.related ?? []) lines.push(`${where(r.loc)}: note: ${r.message}`);
  return lines.join('\n');
}

export function diagnosticJson(d: Diagnostic) {
  return { file: d.loc.source.path, range: d.loc.source.range(d.loc), severity: d.severity, code: d.code, message: d.message };
}

export async function runValidate(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  await initParser();
  let params: Map<string, Lazy> | undefined;
  try {
    params = extraParams(args.extraParams);
  } catch (e) {
    if (e instanceof EvalError) throw new UsageError(`--extra-params: ${e.message}`);
    throw e;
  }
  const { diagnostics } = analyseDeployment(args.files, { extraParams: params, ignore: args.ignore });
  if (args.json) {
    process.stdout.write(JSON.stringify(diagnostics.map(diagnosticJson), null, 2) + '\n');
  } else {
    for (const d of diagnostics) process.stdout.write(formatDiagnostic(d, process.cwd()) + '\n');
    const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
    process.stderr.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('hint') + count('information')} hint(s)\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
