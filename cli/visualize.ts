// `dnx visualize`: the deployment graph as Graphviz DOT (as disnix-visualize prints it), or
// laid out as SVG by Graphviz itself. Of the models, a manifest file, or a generation.

import { join } from 'node:path';
import { CoordinatorError } from '../core/plan/coordinator';
import { toDot } from '../core/plan/dot';
import { deploymentGraph } from '../core/plan/graph';
import { planTransition } from '../core/plan/transition';
import type { Manifest } from '../core/plan/types';
import { ArgReader, UsageError } from './args';
import { coordinatorOptionsHelp, openProfile, readCoordinatorFlag, readManifestFile, type CoordinatorArgs } from './coordinator-args';
import { manifestOfModels } from './manifest';
import { hasModels, modelOptionsHelp, readModelFlag, type ModelArgs } from './models';

export const visualizeUsage = `usage: dnx visualize [MANIFEST] [options]
       dnx visualize -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [options]

Prints the deployment as a Graphviz graph: targets as clusters, containers as sub-clusters,
services as nodes, dependsOn edges solid and connectsTo edges dashed. Without models or a
manifest file (JSON, from 'dnx manifest'), the deployed generation is drawn.

${modelOptionsHelp}

${coordinatorOptionsHelp}
  --generation N     draw generation N instead of the current one

options:
  --dot              print DOT (the default)
  --svg              lay the graph out with Graphviz and print SVG
  --plan             colour services by what deploying the models would do to them
  --no-containers    leave out the container sub-clusters`;

interface VisualizeArgs extends ModelArgs, CoordinatorArgs {
  manifest?: string;
  generation?: number;
  svg: boolean;
  plan: boolean;
  containers: boolean;
}

function parseArgs(argv: string[]): VisualizeArgs {
  const out: VisualizeArgs = { files: {}, svg: false, plan: false, containers: true };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readModelFlag(a, r, out) || readCoordinatorFlag(a, r, out)) continue;
    if (a === '--svg') out.svg = true;
    else if (a === '--dot') out.svg = false;
    else if (a === '--plan') out.plan = true;
    else if (a === '--no-containers') out.containers = false;
    else if (a === '--generation') {
      const n = Number(r.value(a));
      if (!Number.isInteger(n) || n < 1) throw new UsageError('--generation needs a generation number');
      out.generation = n;
    } else if (!a.startsWith('-') && out.manifest === undefined) out.manifest = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (out.plan && !hasModels(out.files)) throw new UsageError('--plan needs the models');
  return out;
}

export async function runVisualize(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  let manifest: Manifest | undefined;
  let previous: Manifest | undefined;
  try {
    if (hasModels(args.files)) {
      manifest = await manifestOfModels(args);
      if (!manifest) return 1;
      if (args.plan) previous = openProfile(args).read();
    } else if (args.manifest) {
      manifest = readManifestFile(args.manifest);
    } else {
      const profile = openProfile(args);
      manifest = profile.read(args.generation ?? profile.currentNumber());
      if (!manifest) {
        process.stderr.write(`dnx visualize: nothing is deployed with profile '${profile.profile}' (in ${profile.dir}); give the models or a manifest\n`);
        return 1;
      }
    }
  } catch (e) {
    if (!(e instanceof CoordinatorError)) throw e;
    process.stderr.write(`dnx visualize: ${e.message}\n`);
    return 1;
  }
  const plan = args.plan ? { changes: planTransition(manifest, previous).changes, previous } : undefined;
  const dot = toDot(deploymentGraph(manifest, plan), { containers: args.containers });
  if (!args.svg) {
    process.stdout.write(dot);
    return 0;
  }
  // Its own bundle beside this one (scripts/bundle.mjs).
  const graphviz = require(join(__dirname, 'graphviz.js')) as typeof import('./graphviz');
  process.stdout.write(await graphviz.renderSvg(dot));
  return 0;
}
