// `disnix-distribute`: every target of the plan's distribute steps gets what it lacks of its
// profile's closure. Asking what is missing is cheap and happens everywhere at once; `-m`
// bounds the transfers. After a transfer the target is asked again (through the agent, which
// thus learns the paths are there and need not ask its store at each activation).

import { inParallel } from '../../collections';
import type { TransitionPlan } from '../../plan/transition';
import { DeployError, TargetError } from '../errors';
import type { LocalStore } from '../store';
import { lackedBy } from '../transport';
import { checkCancel, type PhaseContext } from './context';

export interface DistributeOptions {
  store: LocalStore;
  /** Transfers running at once (`-m`, default 2). */
  maxConcurrentTransfers?: number;
}

export async function distribute(plan: TransitionPlan, ctx: PhaseContext, o: DistributeOptions): Promise<void> {
  const targets = plan.steps.filter((s) => s.kind === 'distribute').map((s) => s.target!);
  const lacking = new Map<string, { paths: string[]; of: number }>();
  const failed = (t: string) => (e: unknown) => {
    ctx.emit({ phase: 'distribute', state: 'failed', target: t, message: (e as Error).message });
    throw e;
  };
  await Promise.all(
    targets.map(async (t) => {
      ctx.emit({ phase: 'distribute', state: 'start', target: t });
      const path = plan.next.profiles[t]?.path;
      if (!path) return failed(t)(new DeployError(`the profile of ${t} has not been built`));
      const closure = o.store.closure([path]);
      lacking.set(t, { paths: await lackedBy(ctx.client(t), closure).catch(failed(t)), of: closure.length });
    }),
  );
  const sent = (t: string, how = '') => ctx.emit({ phase: 'distribute', state: 'done', target: t, message: `${lacking.get(t)!.paths.length} of ${lacking.get(t)!.of} paths sent${how}` });
  for (const t of targets) if (lacking.get(t)!.paths.length === 0) sent(t);
  await inParallel(
    targets.filter((t) => lacking.get(t)!.paths.length > 0),
    o.maxConcurrentTransfers ?? 2,
    (t) =>
      (async () => {
        checkCancel(ctx.signal);
        const paths = lacking.get(t)!.paths;
        const began = performance.now();
        const bytes = await ctx.client(t).sendClosure(o.store, paths, ctx.signal);
        const took = (performance.now() - began) / 1000;
        const still = await lackedBy(ctx.client(t), paths);
        if (still.length > 0) throw new TargetError(t, 'import', `the target does not hold what it was sent: ${still.length} of ${paths.length} paths are missing (${still[0]}${still.length > 1 ? ', ...' : ''})`);
        sent(t, `: ${transferred(bytes, took)}`);
      })().catch(failed(t)),
  );
}

/** How much was sent in how long, e.g. `104.9 MB in 0.95 s, 110 MB/s`. */
function transferred(bytes: number, secs: number): string {
  const mb = bytes / 1e6;
  return `${mb.toFixed(1)} MB in ${secs.toFixed(2)} s${secs > 0 ? `, ${(mb / secs).toFixed(0)} MB/s` : ''}`;
}
