// `dnx manifest`: the manifest of the models, as JSON or as Disnix's manifest XML; with
// `--build`, built into the coordinator's store (as disnix-manifest), for the phase commands.

import { buildModels, coordinatorStores } from '../core/deploy/disnix-env';
import { DeployError } from '../core/deploy/errors';
import { dnxStateDir } from '../core/state-home';
import { buildManifest } from '../core/plan/manifest';
import { manifestToXml } from '../core/plan/manifest-xml';
import type { Manifest } from '../core/plan/types';
import { ArgReader, UsageError } from './args';
import { analyseModels, modelOptionsHelp, readModelFlag, type ModelArgs } from './models';
import { formatDiagnostic } from '../core/nix/diagnostic';

export const manifestUsage = `usage: dnx manifest -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES] [options]
       dnx manifest -A ARCHITECTURE [options]

Prints the manifest Disnix would compute for the models: the services keyed by their identity
hash, where each runs, the normalised infrastructure and the profile of every target. Store
paths are computed as Nix computes them; a build that needs Nixpkgs has "pkg": null, and
profiles are planned (built by a deployment).

${modelOptionsHelp}

options:
  --xml            Disnix's manifest version 2 XML instead of JSON
  --deploy-state   migrate the state of every service, not only those with deployState
  --build          build the packages and the target profiles into the coordinator's store
                   (with this machine's Nix for derivations); the manifest then names each
                   profile, as 'dnx distribute', 'activate', 'migrate' and 'set' take it`;

export async function runManifest(argv: string[]): Promise<number> {
  const args: ModelArgs & { xml: boolean; deployState: boolean; build: boolean } = { files: {}, xml: false, deployState: process.env.DISNIX_DEPLOY_STATE === '1', build: false };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readModelFlag(a, r, args)) continue;
    if (a === '--xml') args.xml = true;
    else if (a === '--deploy-state') args.deployState = true;
    else if (a === '--build') args.build = true;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  const manifest = args.build ? await builtManifest(args) : await manifestOfModels(args, args.deployState);
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

/** The manifest of the models, built into the coordinator's store; none when they have errors or the build fails. */
async function builtManifest(args: ModelArgs & { deployState: boolean }): Promise<Manifest | undefined> {
  const { analysis, extraParams } = await analyseModels(args);
  try {
    const { manifest, diagnostics } = await buildModels(
      { kind: 'models', analysis, extraParams: { values: extraParams, expression: args.extraParams }, deployState: args.deployState },
      { ...coordinatorStores(dnxStateDir()), log: (l) => process.stderr.write(`  build| ${l}\n`) },
    );
    for (const d of diagnostics) process.stderr.write(formatDiagnostic(d, process.cwd()) + '\n');
    return manifest;
  } catch (e) {
    if (!(e instanceof DeployError)) throw e;
    process.stderr.write(`dnx manifest: error: ${e.message}\n`);
    return undefined;
  }
}
