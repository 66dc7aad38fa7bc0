// `disnix-set`: the plan's set-profile steps, all at once; if one fails, the targets already
// set get their previous profile back. The coordinator's generation is recorded by the
// executor's `commit`, as the plan's set-coordinator-profile step.

import { firstRejection } from '../../collections';
import type { TransitionPlan } from '../../plan/transition';
import { DeployError } from '../errors';
import { asStep, type PhaseContext } from './context';

export interface SetProfilesOptions {
  /** The target profile name (`-p`). */
  profile: string;
}

export async function setProfiles(plan: TransitionPlan, ctx: PhaseContext, o: SetProfilesOptions): Promise<void> {
  const set: string[] = [];
  const results = await Promise.allSettled(
    plan.steps
      .filter((s) => s.kind === 'set-profile')
      .map(({ target: t }) =>
        asStep(ctx, { phase: 'set-profile', target: t }, async () => {
          const path = plan.next.profiles[t!]?.path;
          if (!path) throw new DeployError(`the profile of ${t} has not been built`);
          await ctx.client(t!).call({ op: 'set', profile: o.profile, path });
          set.push(t!);
        }),
      ),
  );
  const failure = firstRejection(results);
  if (!failure) return;
  // What ran before: the deployed manifest's profile, also when `--no-upgrade` redeployed everything.
  const before = plan.previous ?? plan.from;
  await Promise.all(
    set.map(async (t) => {
      const old = before.profiles[t]?.path;
      if (old) await ctx.client(t).call({ op: 'set', profile: o.profile, path: old }).catch(() => undefined);
    }),
  );
  throw failure.reason;
}
