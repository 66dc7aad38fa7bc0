// The phases of a deployment as commands of their own, as Disnix's small tools are:
// `dnx distribute` (disnix-distribute), `dnx activate` (disnix-activate), `dnx migrate`
// (disnix-migrate) and `dnx set` (disnix-set), each over a built manifest (`dnx manifest
// --build`) and the deployed one. `dnx deploy` composes the same phases with locking.

import { activate, undoTransition } from '../core/deploy/phases/activate';
import type { PhaseContext } from '../core/deploy/phases/context';
import { distribute } from '../core/deploy/phases/distribute';
import { migrate } from '../core/deploy/phases/migrate';
import { setProfiles } from '../core/deploy/phases/set-profiles';
import { coordinatorStores } from '../core/deploy/disnix-env';
import type { LocalStore } from '../core/deploy/store';
import { CoordinatorError, type CoordinatorProfile } from '../core/plan/coordinator';
import { planTransition, type Step, type StepKind, type TransitionOptions, type TransitionPlan } from '../core/plan/transition';
import type { Manifest } from '../core/plan/types';
import { dnxStateDir } from '../core/state-home';
import { ArgReader, positiveInt, UsageError } from './args';
import { cancellation } from './cancel';
import { coordinatorOptionsHelp, openProfile, readCoordinatorFlag, readManifestFile, type CoordinatorArgs } from './coordinator-args';
import type { PHASE_COMMANDS } from './phase-names';
import { eventPrinter, failureNote } from './progress';
import { defaultTargetArgs, openClients, readTargetFlag, targetOptionsHelp, type TargetArgs } from './targets';

interface PhaseArgs extends CoordinatorArgs, TargetArgs {
  manifest?: string;
  oldManifest?: string;
  dryRun: boolean;
  noRollback: boolean;
  maxTransfers: number;
  transition: TransitionOptions;
}

interface PhaseFlag {
  names: string[];
  help: string;
  /** Records the flag as `given`; `value` reads the argument after it, for a flag that takes one. */
  set: (a: PhaseArgs, value: () => string, given: string) => void;
}

interface PhaseCommand {
  /** The flags it takes besides the common ones. */
  flags: PhaseFlag[];
  /** The steps of the plan it runs, for --dry-run. */
  kinds: StepKind[];
  run: (plan: TransitionPlan, ctx: PhaseContext, a: PhaseArgs, env: { profile: CoordinatorProfile; store: () => LocalStore }) => Promise<number>;
  summary: string;
}

const oldFlag: PhaseFlag = { names: ['-o', '--old-manifest'], help: '-o, --old-manifest FILE   what runs now (default: the current coordinator generation)', set: (a, value) => void (a.oldManifest = value()) };
const noUpgrade: PhaseFlag = { names: ['--no-upgrade'], help: '--no-upgrade              ignore what runs now', set: (a) => void (a.transition.noUpgrade = true) };

const PHASES: Record<(typeof PHASE_COMMANDS)[number], PhaseCommand> = {
  distribute: {
    summary: 'Sends every target of MANIFEST what it lacks of its profile\'s closure, from the coordinator\'s store.',
    kinds: ['distribute'],
    flags: [{ names: ['-m', '--max-concurrent-transfers'], help: '-m, --max-concurrent-transfers N   transfers at once (default 2)', set: (a, value, given) => void (a.maxTransfers = positiveInt(given, value())) }],
    run: async (plan, ctx, a, env) => {
      await distribute(plan, ctx, { store: env.store(), maxConcurrentTransfers: a.maxTransfers });
      return 0;
    },
  },
  activate: {
    summary: 'Deactivates the services of the old manifest that MANIFEST drops (dependents first) and activates the new ones (dependencies first), at most numOfCores at a time per target; undoes it all if a step fails.',
    kinds: ['deactivate', 'activate'],
    flags: [oldFlag, noUpgrade, { names: ['--no-rollback'], help: '--no-rollback             leave a failed transition as it is', set: (a) => void (a.noRollback = true) }],
    run: async (plan, ctx, a) => {
      const done = await activate(plan, ctx);
      if (!done.error) return 0;
      const status = a.noRollback ? 1 : await undoTransition(plan, done, done.error, ctx);
      const changed = done.activated.length + done.deactivated.length > 0;
      process.stderr.write(`dnx activate: error: ${(done.error as Error).message}\n${failureNote(status, changed, a.noRollback)}\n`);
      return status;
    },
  },
  migrate: {
    summary: 'Moves the state of deployState services: snapshots where a component leaves, brings its latest snapshot to where it arrives and restores it there.',
    kinds: ['snapshot', 'restore', 'delete-state'],
    flags: [oldFlag, noUpgrade, { names: ['--delete-state'], help: '--delete-state            then delete the state left behind', set: (a) => void (a.transition.deleteState = true) }],
    run: async (plan, ctx) => {
      await migrate(plan, ctx);
      return 0;
    },
  },
  set: {
    summary: 'Sets the profile of every target of MANIFEST, and records MANIFEST as a new generation of the coordinator profile.',
    kinds: ['set-profile', 'set-coordinator-profile'],
    flags: [
      { names: ['--no-target-profiles'], help: '--no-target-profiles      leave the targets\' profiles', set: (a) => void (a.transition.noTargetProfiles = true) },
      { names: ['--no-coordinator-profile'], help: '--no-coordinator-profile  record no coordinator generation', set: (a) => void (a.transition.noCoordinatorProfile = true) },
    ],
    run: async (plan, ctx, a, env) => {
      await setProfiles(plan, ctx, { profile: env.profile.profile });
      if (!a.transition.noCoordinatorProfile) {
        env.profile.add(plan.next);
        process.stdout.write(`now generation ${env.profile.currentNumber()} of profile '${env.profile.profile}'\n`);
      }
      return 0;
    },
  },
};

export function phaseUsage(name: string): string {
  const p = PHASES[name as keyof typeof PHASES];
  return `usage: dnx ${name} [options] MANIFEST

${p.summary} MANIFEST is a built manifest: 'dnx manifest --build' writes one, and the
coordinator profile keeps one per generation.

${coordinatorOptionsHelp}

${targetOptionsHelp}

options:
${p.flags
  .map((f) => `  ${f.help}`)
  .join('\n')}
  --dry-run                 print the steps and change nothing`;
}

function parseArgs(name: string, argv: string[]): PhaseArgs {
  const out: PhaseArgs = { dryRun: false, noRollback: false, maxTransfers: 2, transition: {}, ...defaultTargetArgs() };
  const flags = PHASES[name as keyof typeof PHASES].flags;
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readCoordinatorFlag(a, r, out) || readTargetFlag(a, r, out)) continue;
    const flag = flags.find((f) => f.names.includes(a));
    if (a === '--dry-run') out.dryRun = true;
    else if (flag) flag.set(out, () => r.value(a), a);
    else if (!a.startsWith('-') && out.manifest === undefined) out.manifest = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (out.manifest === undefined) throw new UsageError('no manifest given');
  return out;
}


export async function runPhase(name: string, argv: string[]): Promise<number> {
  const a = parseArgs(name, argv);
  const phase = PHASES[name as keyof typeof PHASES];
  const profile = openProfile(a);
  const next = readManifestFile(a.manifest!);
  let previous: Manifest | undefined;
  try {
    previous = a.oldManifest ? readManifestFile(a.oldManifest) : profile.read();
  } catch (e) {
    if (!(e instanceof CoordinatorError)) throw e;
    process.stderr.write(`dnx ${name}: ${e.message}\n`);
    return 1;
  }
  const plan = planTransition(next, previous, a.transition);
  const steps = plan.steps.filter((s) => phase.kinds.includes(s.kind));
  if (a.dryRun) {
    for (const s of steps) process.stdout.write(describeStep(s) + '\n');
    if (steps.length === 0) process.stdout.write('nothing to do\n');
    return 0;
  }
  const stateDir = dnxStateDir();
  const clients = openClients({ ...(previous?.infrastructure ?? {}), ...next.infrastructure }, a, stateDir);
  const print = eventPrinter();
  const ctx: PhaseContext = { client: (t) => clients.get(t), emit: (e) => process.stderr.write(print(e)), signal: cancellation() };
  try {
    const store = () => coordinatorStores(stateDir).store;
    return await phase.run(plan, ctx, a, { profile, store });
  } catch (e) {
    // As in a deployment, any failure of a target's operation is the user's to read, not a crash.
    process.stderr.write(`dnx ${name}: error: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await clients.close();
  }
}

function describeStep(s: Step): string {
  const what = s.service ? `${s.service} on ${s.target}` : (s.target ?? '');
  const detail = s.round !== undefined ? ` (round ${s.round})` : s.from ? ` (state from ${s.from.target})` : s.kind === 'distribute' ? ` (${s.paths!.length} new packages)` : '';
  return `${s.kind} ${what}${detail}`.trimEnd();
}
