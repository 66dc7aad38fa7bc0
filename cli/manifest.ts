// `dnx manifest`: the manifest of the models, as JSON or as Disnix's manifest XML.

import { buildManifest } from '../core/plan/manifest';
import { manifestToXml } from '../core/plan/manifest-xml';
import type { Manifest } from '../core/plan/types';
import { ArgReader, UsageError } from './args';
import { analyseModels, modelOptionsHelp, readModelFlag, type ModelArgs } from './models';
import { formatDiagnostic } from './validate';

export const manifestUsage = `usage: dnx manifest -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES] [options]
       dnx manifest -A ARCHITECTURE [options]

Prints the manifest Disnix would compute for the models: the services keyed by their identity
hash, where each runs, the normalised infrastructure and the profile of every target. Store
paths are computed as Nix computes them; a build that needs Nixpkgs has "pkg": null, and
profiles are planned (built by a deployment).

${modelOptionsHelp}

options:
  --xml            Disnix's manifest version 2 XML instead of JSON
  --deploy-state   migrate the state of every service, not only those with deployState`;

export async function runManifest(argv: string[]): Promise<number> {
  const args: ModelArgs & { xml: boolean; deployState: boolean } = { files: {}, xml: false, deployState: process.env.DISNIX_DEPLOY_STATE === '1' };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readModelFlag(a, r, args)) continue;
    if (a === '--xml') args.xml = true;
    else if (a === '--deploy-state') args.deployState = true;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  const manifest = await manifestOfModels(args, args.deployState);
  if (!manifest) return 1;
  process.stdout.write(args.xml ? manifestToXml(manifest) : JSON.stringify(manifest, null, 2) + '\n');
  return 0;
}

/** The manifest of the models; their errors and warnings go to stderr, and with errors there is none. */
export async function manifestOfModels(args: ModelArgs, deployState = false): Promise<Manifest | undefined> {
  const { analysis, extraParams } = await analyseModels(args);
  const { manifest, diagnostics } = buildManifest(analysis, { deployState, extraParams });
  for (const d of diagnostics) if (d.severity === 'error' || d.severity === 'warning') process.stderr.write(formatDiagnostic(d, process.cwd()) + '\n');
  return manifest;
}
