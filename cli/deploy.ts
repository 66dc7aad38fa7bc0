// `dnx deploy`: `disnix-env`. Reads the arguments into the options of core/deploy/disnix-env.ts
// (which plans, builds and runs the deployment and records the coordinator generation), and
// prints the plan, each step and the outcome. Also lists and deletes generations.

import type { Analysis } from '../core/model/analyse';
import { CoordinatorError, type CoordinatorProfile } from '../core/plan/coordinator';
import { formatPlan } from '../core/plan/format';
import type { TransitionOptions } from '../core/plan/transition';
import type { Manifest } from '../core/plan/types';
import { coordinatorStores, prepareDeployment, runDeployment, type Deployment, type DeploymentSource, type EnvOptions } from '../core/deploy/disnix-env';
import { DeployError } from '../core/deploy/errors';
import type { DeployResult } from '../core/deploy/executor';
import type { InterruptedDeployment } from '../core/deploy/journal';
import { describeOwner, parseLockOwner, thisLockOwner } from '../core/deploy/lock-owner';
import { ArgReader, positiveInt, UsageError } from './args';
import { cancellation } from './cancel';
import { coordinatorOptionsHelp, openProfile, readCoordinatorFlag, type CoordinatorArgs } from './coordinator-args';
import { analyseModels, hasModels, modelOptionsHelp, readModelFlag, type ModelArgs } from './models';
import { dnxStateDir } from '../core/state-home';
import { defaultTargetArgs, openClients, readTargetFlag, type TargetArgs } from './targets';
import { eventPrinter, failureNote, openFd, writeAll } from './progress';
import { formatDiagnostic } from '../core/nix/diagnostic';
import { readTransitionFlag, transitionOptionsHelp } from './transition-args';

export const deployUsage = `usage: dnx deploy -s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES] [options]
       dnx deploy -A ARCHITECTURE [options]
       dnx deploy --rollback | --switch-to-generation N | --undeploy [options]
       dnx deploy --list-generations | --delete-generations N|Nd|old | --delete-all-generations

Deploys the models (as disnix-env): builds the packages, sends each target what it lacks,
locks the targets, deactivates obsolete services and activates new ones in dependency order,
migrates the state of deployState services, sets the target profiles, records the deployment
as a new generation of the coordinator profile and unlocks. If anything fails (or Ctrl-C is
pressed), what changed is undone and the previous configuration runs again.

${modelOptionsHelp}

${coordinatorOptionsHelp}

options:
  --dry-run                  print the plan and change nothing
  --rollback                 deploy the previous generation again
  --switch-to-generation N   deploy generation N again
  --undeploy                 remove everything deployed
  --list-generations         list the generations of the coordinator profile
  --delete-generations X     delete generation X, the ones older than X days (Nd), or all but the current (old)
  --delete-all-generations   delete all but the current generation
${transitionOptionsHelp}
  --no-rollback              leave a failed deployment as it is
  --deploy-state             migrate the state of every service
  -m, --max-concurrent-transfers N   transfers at once (default 2)
  --build-on-targets         build the derivations on the targets they are distributed to
                             (Nix instantiates them here, the targets' Nix builds them, and
                             the results are copied back)
  --events-fd N              also write each step as a line of JSON to file descriptor N
                             (for editors and scripts: {phase, state, target, container,
                             service, activity, message})

exit status: 0 deployed; 1 failed and rolled back (or nothing was changed); 2 restoring the
previous services failed; 3 removing the new services failed. Usage errors also exit with 2.

environment: DISNIX_PROFILE, DISNIX_CLIENT_INTERFACE, DISNIX_TARGET_PROPERTY,
DISNIX_DEPLOY_STATE, DISNIX_DELETE_STATE; DNX_STATE_DIR (the coordinator store and the local
targets, default $XDG_STATE_HOME/dnx or ~/.local/state/dnx).`;

export interface DeployArgs extends ModelArgs, CoordinatorArgs, TargetArgs {
  dryRun: boolean;
  rollback: boolean;
  switchTo?: number;
  undeploy: boolean;
  listGenerations: boolean;
  deleteGenerations?: string;
  /** What changes the plan's steps (`--no-upgrade`, `--no-lock`, ...). */
  transition: TransitionOptions;
  noRollback: boolean;
  deployState: boolean;
  maxTransfers: number;
  buildOnTargets: boolean;
  /** Where each step goes as a JSON line, besides the terminal. */
  eventsFd?: number;
}

/** Disnix's defaults, and what the environment variables of disnix-env set. */
export function defaultDeployArgs(files: DeployArgs['files'] = {}, env: NodeJS.ProcessEnv = process.env): DeployArgs {
  return {
    files,
    dryRun: false,
    rollback: false,
    undeploy: false,
    listGenerations: false,
    transition: { deleteState: env.DISNIX_DELETE_STATE === '1' },
    noRollback: false,
    deployState: env.DISNIX_DEPLOY_STATE === '1',
    maxTransfers: 2,
    buildOnTargets: false,
    ...defaultTargetArgs(env),
  };
}

function parseArgs(argv: string[]): DeployArgs {
  const out = defaultDeployArgs();
  const flags: Record<string, 'dryRun' | 'rollback' | 'undeploy' | 'listGenerations' | 'noRollback' | 'deployState' | 'buildOnTargets'> = {
    '--dry-run': 'dryRun', '--rollback': 'rollback', '--undeploy': 'undeploy', '--list-generations': 'listGenerations', '--no-rollback': 'noRollback', '--deploy-state': 'deployState', '--build-on-targets': 'buildOnTargets',
  };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readModelFlag(a, r, out) || readCoordinatorFlag(a, r, out) || readTargetFlag(a, r, out) || readTransitionFlag(a, out.transition)) continue;
    if (flags[a]) out[flags[a]] = true;
    else if (a === '--switch-to-generation') out.switchTo = positiveInt(a, r.value(a));
    else if (a === '--delete-generations') out.deleteGenerations = r.value(a);
    else if (a === '--delete-all-generations') out.deleteGenerations = 'old';
    else if (a === '-m' || a === '--max-concurrent-transfers') out.maxTransfers = positiveInt(a, r.value(a));
    else if (a === '--events-fd') out.eventsFd = openFd(a, r.value(a));
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  const modes = [out.rollback, out.switchTo !== undefined, out.listGenerations, out.deleteGenerations !== undefined].filter(Boolean).length;
  if (modes > 1) throw new UsageError('--rollback, --switch-to-generation, --list-generations and --delete-generations exclude each other');
  if (modes === 0 && !out.undeploy && !hasModels(out.files)) throw new UsageError('no models given');
  return out;
}


export async function runDeploy(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const profile = openProfile(args);
  try {
    if (args.listGenerations) return listGenerations(profile);
    if (args.deleteGenerations !== undefined) return deleteGenerations(profile, args.deleteGenerations);
    return await deploy(args, profile, dnxStateDir());
  } catch (e) {
    if (e instanceof CoordinatorError || e instanceof DeployError) {
      process.stderr.write(`dnx deploy: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export interface DeployOutcome {
  result: DeployResult;
  next: Manifest;
  analysis?: Analysis;
}

/** What `args` asks to deploy. */
async function sourceOf(args: DeployArgs): Promise<DeploymentSource> {
  if (args.rollback || args.switchTo !== undefined) return { kind: 'generation', number: args.switchTo };
  if (args.undeploy && !hasModels(args.files)) return { kind: 'undeploy' };
  const { analysis, extraParams } = await analyseModels(args);
  return { kind: 'models', analysis, extraParams: { values: extraParams, expression: args.extraParams }, deployState: args.deployState, undeploy: args.undeploy };
}

/** Plans and runs a deployment, printing the plan and the progress; the exit status. */
export async function deploy(args: DeployArgs, profile: CoordinatorProfile, stateDir: string, onDone?: (o: DeployOutcome) => Promise<void>): Promise<number> {
  const env: EnvOptions = {
    profile,
    ...coordinatorStores(stateDir),
    clients: openClients({}, args, stateDir),
    transition: args.transition,
    dryRun: args.dryRun,
    buildOnTargets: args.buildOnTargets,
    log: (l) => process.stderr.write(`  build| ${l}\n`),
  };
  let deployment: Deployment | undefined;
  let result: DeployResult;
  let started: number;
  try {
    const prepared = await prepareDeployment(await sourceOf(args), env);
    for (const d of prepared.diagnostics) process.stderr.write(formatDiagnostic(d, process.cwd()) + '\n');
    deployment = prepared.deployment;
    if (!deployment) return 1;
    if (deployment.interrupted) process.stderr.write(interruptedNote(deployment.interrupted, profile.journalFile));
    process.stdout.write(formatPlan(deployment.plan, { against: deployment.against }));
    if (args.dryRun) return 0;
    started = Date.now();
    const printEvent = eventPrinter();
    result = await runDeployment(deployment, env, {
      targets: { profile: profile.profile, lockOwner: thisLockOwner() },
      noRollback: args.noRollback,
      maxConcurrentTransfers: args.maxTransfers,
      signal: cancellation(),
      onEvent: (e) => {
        process.stderr.write(printEvent(e));
        if (args.eventsFd !== undefined) writeAll(args.eventsFd, JSON.stringify(e) + '\n');
      },
    });
  } finally {
    await env.clients.close();
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const { new: added, changed, removed } = deployment.plan.summary;
  const generation = args.transition.noCoordinatorProfile ? '' : `generation ${profile.currentNumber()} of profile '${profile.profile}'; `;
  if (result.status === 0 && result.activated + result.deactivated + added + changed + removed === 0) process.stdout.write(`\nNothing to do: the targets already run this configuration (${generation}checked in ${secs} s).\n`);
  else if (result.status === 0) process.stdout.write(`\nDeployed ${deployment.describe} in ${secs} s: ${result.activated} activated, ${result.deactivated} deactivated${args.transition.noCoordinatorProfile ? '' : `; now generation ${profile.currentNumber()} of profile '${profile.profile}'`}.\n`);
  else process.stderr.write(`\nDeployment failed after ${secs} s: ${result.error?.message}\n${failureNote(result.status, result.changed ?? false, args.noRollback)}\n`);
  await onDone?.({ result, next: deployment.plan.next, analysis: deployment.analysis });
  return result.status;
}

function interruptedNote(j: InterruptedDeployment, file: string): string {
  const owner = parseLockOwner(j.owner);
  const steps = j.entries.filter((e) => e.state === 'done').length;
  return `An earlier deployment${owner ? ` (${describeOwner(owner)})` : ''} did not end cleanly after ${steps} step(s); its journal (${file}) says what runs, and this deployment starts from there.\n`;
}

function listGenerations(profile: CoordinatorProfile): number {
  const gens = profile.generations();
  if (gens.length === 0) process.stdout.write(`profile '${profile.profile}' has no generations\n`);
  for (const g of gens) process.stdout.write(`${String(g.number).padStart(4)}   ${g.date.toISOString().replace('T', ' ').slice(0, 19)}${g.current ? '   (current)' : ''}\n`);
  return 0;
}

function deleteGenerations(profile: CoordinatorProfile, which: string): number {
  const current = profile.currentNumber();
  const gens = profile.generations().filter((g) => g.number !== current);
  let doomed: number[];
  if (which === 'old') doomed = gens.map((g) => g.number);
  else if (/^\d+d$/.test(which)) {
    const before = Date.now() - Number(which.slice(0, -1)) * 86_400_000;
    doomed = gens.filter((g) => g.date.getTime() < before).map((g) => g.number);
  } else if (/^\d+$/.test(which)) {
    if (Number(which) === current) throw new DeployError(`generation ${which} is the current one and cannot be deleted`);
    doomed = gens.filter((g) => g.number === Number(which)).map((g) => g.number);
    if (doomed.length === 0) throw new DeployError(`profile '${profile.profile}' has no generation ${which}`);
  } else throw new UsageError(`--delete-generations takes N, Nd or old, not '${which}'`);
  for (const n of doomed) profile.remove(n);
  process.stdout.write(`deleted ${doomed.length} generation(s)\n`);
  return 0;
}
