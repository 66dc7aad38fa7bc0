// The deployment, as `disnix-deploy` composes Disnix's small tools: it runs exactly the steps
// of a transition plan (core/plan/transition.ts), phase by phase (./phases/): distribute, lock,
// deactivate and activate, migrate state, set the target profiles and the coordinator's,
// unlock. When a step fails, or the deployment is cancelled, what changed is undone and the
// previous configuration runs again; the result says how far the undoing got, with
// `disnix-activate`'s exit codes.

import type { TransitionPlan } from '../plan/transition';
import { DeployError } from './errors';
import type { DeployEvent } from './events';
import type { DeployJournal } from './journal';
import { activate, undoTransition, type Transitioned } from './phases/activate';
import { checkCancel, type PhaseContext } from './phases/context';
import { distribute, type DistributeOptions } from './phases/distribute';
import { lock, unlock, type LockOptions } from './phases/lock';
import { migrate } from './phases/migrate';
import { setProfiles } from './phases/set-profiles';
import type { TargetClient } from './transport';

/** 0: deployed; 1: failed, previous configuration restored; 2: restoring obsolete services failed; 3: removing new services failed. */
export type DeployStatus = 0 | 1 | 2 | 3;

export interface DeployResult {
  status: DeployStatus;
  /** What went wrong first, when the status is not 0 (a `TargetError` when a target said so). */
  error?: DeployError;
  activated: number;
  deactivated: number;
  /** On failure: whether a target had been changed (a service activated or deactivated, a profile set) before it, so there was something to undo. */
  changed?: boolean;
}

export interface ExecuteOptions {
  client: (target: string) => TargetClient;
  /** Distribute: where the closures come from, and how many transfers run at once. */
  distribute: DistributeOptions;
  /** Lock, unlock and set-profile: the target profile, and who takes the locks. */
  targets: LockOptions;
  /** `--no-rollback`: leave a failed transition as it is. */
  noRollback?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: DeployEvent) => void;
  /** The set-coordinator-profile step: records the new configuration as deployed, before unlocking. */
  commit?: () => void | Promise<void>;
  /** Where each activation and deactivation is written down while the targets are locked. */
  journal?: DeployJournal;
}

export async function execute(plan: TransitionPlan, o: ExecuteOptions): Promise<DeployResult> {
  const ctx: PhaseContext = { client: o.client, emit: o.onEvent ?? (() => undefined), signal: o.signal };
  const result: DeployResult = { status: 0, activated: 0, deactivated: 0 };
  try {
    await distribute(plan, ctx, o.distribute);
  } catch (e) {
    return fail(result, 1, e);
  }
  let locked: string[];
  try {
    locked = await lock(plan, ctx, o.targets);
  } catch (e) {
    return fail(result, 1, e);
  }
  o.journal?.begin(plan.previous ?? plan.from, plan.next, o.targets.lockOwner);
  const outcome = await transition(plan, ctx, result, o).finally(() => unlock(locked, ctx, o.targets));
  // Deployed: what runs is what the coordinator profile says. Otherwise a step may have been
  // left halfway (even when everything else was undone), which only the journal knows.
  if (outcome.status === 0) o.journal?.finish();
  else o.journal?.close();
  return outcome;
}

/** Deactivates and activates, migrates state and sets the profiles; undoes it all on failure. */
async function transition(plan: TransitionPlan, ctx: PhaseContext, result: DeployResult, o: ExecuteOptions): Promise<DeployResult> {
  const done: Transitioned = await activate(plan, ctx, { journal: o.journal });
  result.deactivated = done.deactivated.length;
  result.activated = done.activated.length;
  const undo = async (error: unknown, changed: boolean): Promise<DeployResult> => {
    result.changed = changed;
    return o.noRollback ? fail(result, 1, error) : fail(result, await undoTransition(plan, done, error, ctx, { journal: o.journal }), error);
  };
  if (done.error) return await undo(done.error, done.activated.length + done.deactivated.length > 0);
  try {
    checkCancel(ctx.signal);
    await migrate(plan, ctx);
    checkCancel(ctx.signal);
    await setProfiles(plan, ctx, o.targets);
    if (plan.steps.some((s) => s.kind === 'set-coordinator-profile')) {
      ctx.emit({ phase: 'set-coordinator-profile', state: 'start' });
      await o.commit?.();
      ctx.emit({ phase: 'set-coordinator-profile', state: 'done' });
    }
  } catch (e) {
    // After the activations: the services changed, and perhaps some profiles.
    return await undo(e, true);
  }
  return result;
}

function fail(result: DeployResult, status: DeployStatus, error: unknown): DeployResult {
  // Anything else thrown is a failure all the same (a transport's own error, say), reported by its message.
  return { ...result, status, error: error instanceof DeployError ? error : new DeployError(error instanceof Error ? error.message : String(error)) };
}
