// `dnx plan`: what a deployment of the models would change, compared with what is deployed
// (the current coordinator generation), and the steps it would take, in order.

import { CoordinatorError } from '../core/plan/coordinator';
import { formatPlan } from '../core/plan/format';
import { planSummary, planTransition, type TransitionOptions } from '../core/plan/transition';
import { emptyManifest, type Manifest } from '../core/plan/types';
import { ArgReader, UsageError } from './args';
import { coordinatorOptionsHelp, openProfile, readCoordinatorFlag, readManifestFile, type CoordinatorArgs } from './coordinator-args';
import { manifestOfModels } from './manifest';
import { hasModels, modelOptionsHelp, readModelFlag, type ModelArgs } from './models';
import { readTransitionFlag, transitionOptionsHelp } from './transition-args';

export const planUsage = `usage: dnx plan -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES] [options]
       dnx plan -A ARCHITECTURE [options]
       dnx plan --undeploy [options]

Compares the manifest of the models with the deployed one and prints what would change on
which target and why, and the steps a deployment would take, in order. Nothing is changed.

${modelOptionsHelp}

${coordinatorOptionsHelp}

options (those of dnx deploy that change its steps are taken too):
  --old-manifest FILE        compare with this manifest (JSON) instead of the deployed one
  --undeploy                 plan the removal of everything deployed
  --deploy-state             migrate the state of every service
  --show-unchanged           list unchanged services too
  --json                     print the plan as JSON
${transitionOptionsHelp}`;

interface PlanArgs extends ModelArgs, CoordinatorArgs {
  oldManifest?: string;
  json: boolean;
  undeploy: boolean;
  transition: TransitionOptions;
  deployState: boolean;
  showUnchanged: boolean;
}

function parseArgs(argv: string[]): PlanArgs {
  const out: PlanArgs = { files: {}, json: false, undeploy: false, transition: { deleteState: process.env.DISNIX_DELETE_STATE === '1' }, deployState: process.env.DISNIX_DEPLOY_STATE === '1', showUnchanged: false };
  const r = new ArgReader(argv);
  const flags: Record<string, 'json' | 'undeploy' | 'deployState' | 'showUnchanged'> = { '--json': 'json', '--undeploy': 'undeploy', '--deploy-state': 'deployState', '--show-unchanged': 'showUnchanged' };
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readModelFlag(a, r, out) || readCoordinatorFlag(a, r, out) || readTransitionFlag(a, out.transition)) continue;
    if (a === '--old-manifest') out.oldManifest = r.value(a);
    else if (flags[a]) out[flags[a]] = true;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (!out.undeploy && !hasModels(out.files)) throw new UsageError('no models given');
  return out;
}

export async function runPlan(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  let previous: Manifest | undefined;
  let against: string | undefined;
  if (args.oldManifest) {
    previous = readManifestFile(args.oldManifest);
    against = args.oldManifest;
  } else {
    const profile = openProfile(args);
    try {
      previous = profile.read();
    } catch (e) {
      if (!(e instanceof CoordinatorError)) throw e;
      process.stderr.write(`dnx plan: ${e.message}\n`);
      return 1;
    }
    if (previous) against = profile.describeCurrent();
  }

  let next: Manifest;
  if (args.undeploy && !hasModels(args.files)) {
    if (!previous) {
      process.stderr.write('dnx plan: nothing is deployed, so there is nothing to undeploy\n');
      return 1;
    }
    next = emptyManifest(previous.infrastructure);
  } else {
    const manifest = await manifestOfModels(args, args.deployState);
    if (!manifest) return 1;
    next = args.undeploy ? emptyManifest(manifest.infrastructure) : manifest;
  }

  const plan = planTransition(next, previous, args.transition);
  if (args.json) process.stdout.write(JSON.stringify(planSummary(plan), null, 2) + '\n');
  else process.stdout.write(formatPlan(plan, { against, showUnchanged: args.showUnchanged }));
  return 0;
}
