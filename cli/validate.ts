// `dnx validate`: the editor's diagnostics on the command line, printed like a compiler's
// (`FILE:LINE:COL: error: message [code]`) or as JSON with LSP-style ranges. Exit 1 when
// there is an error.

import { diagnosticJson, formatDiagnostic } from '../core/nix/diagnostic';
import { ArgReader, UsageError } from './args';
import { analyseModels, modelOptionsHelp, readModelFlag, type ModelArgs } from './models';

export const validateUsage = `usage: dnx validate -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES] [options]
       dnx validate -A ARCHITECTURE [-P PACKAGES] [options]
       dnx validate -i INFRASTRUCTURE -P PACKAGES [options]

Checks the Disnix models and prints every problem found, at its place.

${modelOptionsHelp}

options:
  --ignore CODE         do not report this diagnostic code (may be repeated)
  --json                print a JSON array of diagnostics (0-based lines, UTF-16 columns)`;

interface ValidateArgs extends ModelArgs {
  ignore: string[];
  json: boolean;
}

function parseArgs(argv: string[]): ValidateArgs {
  const out: ValidateArgs = { files: {}, ignore: [], json: false };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readModelFlag(a, r, out)) continue;
    switch (a) {
      case '--ignore': out.ignore.push(r.value(a)); break;
      case '--json': out.json = true; break;
      default: throw new UsageError(`unexpected argument '${a}'`);
    }
  }
  return out;
}


export async function runValidate(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const { diagnostics } = (await analyseModels(args, args.ignore)).analysis;
  if (args.json) {
    process.stdout.write(JSON.stringify(diagnostics.map(diagnosticJson), null, 2) + '\n');
  } else {
    for (const d of diagnostics) process.stdout.write(formatDiagnostic(d, process.cwd()) + '\n');
    const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
    process.stderr.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('hint') + count('information')} hint(s)\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
