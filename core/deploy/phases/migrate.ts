// `disnix-migrate`: the plan's state steps for `deployState` services. Components leaving a
// place are snapshotted there; where one arrives, its latest snapshot is brought from the place
// the plan names (over the coordinator) unless the target has it already, and restored; with
// `--delete-state`, what was left behind is deleted last.

import type { Step, TransitionPlan } from '../../plan/transition';
import type { Manifest, SnapshotMapping } from '../../plan/types';
import { activationOf } from '../activations';
import { asStep, checkCancel, type PhaseContext } from './context';

export async function migrate(plan: TransitionPlan, ctx: PhaseContext): Promise<void> {
  const previous = plan.previous ?? plan.from;
  for (const s of plan.steps) {
    if (s.kind !== 'snapshot' && s.kind !== 'restore' && s.kind !== 'delete-state') continue;
    checkCancel(ctx.signal);
    const m = s.mapping as SnapshotMapping;
    if (s.kind === 'restore' && s.from) await bringState(s, m, ctx);
    await stateStep(ctx, s.kind === 'restore' ? plan.next : previous, m, s.kind);
  }
}

function stateStep(ctx: PhaseContext, manifest: Manifest, m: SnapshotMapping, op: 'snapshot' | 'restore' | 'delete-state'): Promise<void> {
  const a = activationOf(manifest, m);
  return asStep(ctx, { phase: op, target: m.target, container: m.container, service: a.name }, async () => {
    await ctx.client(m.target).call({ op, type: a.type, container: a.container, arguments: a.arguments, path: a.pkg });
  });
}

/** Copies the latest snapshot of `m`'s component from where the step says it is, unless the target has it. */
async function bringState(s: Step, m: SnapshotMapping, ctx: PhaseContext): Promise<void> {
  const from = s.from!;
  const source = ctx.client(from.target);
  const [rel] = await source.call({ op: 'query-latest-snapshot', container: from.container, component: m.component! });
  if (!rel) return;
  const there = rel.replace(/^[^/]+\/[^/]+\//, `${m.container}/${m.component}/`);
  const missing = await ctx.client(m.target).call({ op: 'print-missing-snapshots', paths: [there] });
  if (missing.length === 0) return;
  const fetched = await source.fetchSnapshots(await source.call({ op: 'resolve-snapshots', paths: [rel] }));
  try {
    await ctx.client(m.target).sendSnapshots(m.container, m.component!, fetched.folders);
  } finally {
    await fetched.dispose();
  }
}
