// `disnix-lock`: every target of the plan's lock steps takes the profile's lock at once; if one
// refuses, the others are released again. A lock left by a deployment of this host that died
// is broken first (its pid and start time say so); anyone else's is a refusal naming them.

import type { TransitionPlan } from '../../plan/transition';
import { refusalOf, TargetError } from '../errors';
import { describeOwner, isStale, lockRefusal, parseLockOwner } from '../lock-owner';
import { Cancelled, type PhaseContext } from './context';

export interface LockOptions {
  /** The target profile name (`-p`). */
  profile: string;
  /** Who takes the locks (stored with them, so a stale lock can be told from a live one). */
  lockOwner: string;
}

/** Locks the plan's targets; resolves with them, or throws having released those it locked. */
export async function lock(plan: TransitionPlan, ctx: PhaseContext, o: LockOptions): Promise<string[]> {
  const locked: string[] = [];
  const failures: unknown[] = [];
  await Promise.all(
    plan.steps
      .filter((s) => s.kind === 'lock')
      .map(async ({ target: t }) => {
        ctx.emit({ phase: 'lock', state: 'start', target: t });
        try {
          const broke = await lockTarget(t!, ctx, o);
          locked.push(t!);
          ctx.emit({ phase: 'lock', state: 'done', target: t, ...(broke ? { message: `broke the lock left by ${broke}, which is no longer running` } : {}) });
        } catch (e) {
          failures.push(e);
          ctx.emit({ phase: 'lock', state: 'failed', target: t, message: (e as Error).message });
        }
      }),
  );
  if (failures.length > 0 || ctx.signal?.aborted) {
    await unlock(locked, ctx, o);
    throw failures[0] ?? new Cancelled();
  }
  return locked.sort();
}

/** Takes the lock on `t`; says whose stale lock it broke first, if it did. */
async function lockTarget(t: string, ctx: PhaseContext, o: LockOptions): Promise<string | undefined> {
  const take = () => ctx.client(t).call({ op: 'lock', profile: o.profile, owner: o.lockOwner });
  try {
    await take();
    return undefined;
  } catch (e) {
    const refusal = refusalOf(e);
    const holder = refusal?.kind === 'locked' ? parseLockOwner(refusal.holder) : undefined;
    if (!holder) throw e;
    if (!isStale(holder)) throw new TargetError(t, 'lock', lockRefusal(o.profile, holder));
    await ctx.client(t).call({ op: 'unlock', profile: o.profile, force: true });
    await take();
    return describeOwner(holder);
  }
}

/** Releases the locks on `targets`; a target that cannot be unlocked is reported, not thrown. */
export async function unlock(targets: string[], ctx: PhaseContext, o: LockOptions): Promise<void> {
  await Promise.all(
    targets.map(async (t) => {
      ctx.emit({ phase: 'unlock', state: 'start', target: t });
      try {
        await ctx.client(t).call({ op: 'unlock', profile: o.profile, owner: o.lockOwner });
        ctx.emit({ phase: 'unlock', state: 'done', target: t });
      } catch (e) {
        ctx.emit({ phase: 'unlock', state: 'failed', target: t, message: (e as Error).message });
      }
    }),
  );
}
