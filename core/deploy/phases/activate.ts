// `disnix-activate`: the plan's deactivations (dependents first), then its activations
// (dependencies first), each target running at most `numOfCores` at once, each step started as
// soon as what it waits for is done. After a failure or a cancellation nothing new starts; the
// steps already running finish (stopping an activation halfway would leave a service in an
// unknown state). `undoTransition` reverses what was done.

import { JobQueue } from '../../plan/schedule';
import { coresOf, type Step, type TransitionPlan } from '../../plan/transition';
import { mappingKey, type Manifest } from '../../plan/types';
import { activationOf } from '../activations';
import { DeployError } from '../errors';
import type { DeployPhase } from '../events';
import type { DeployJournal } from '../journal';
import { asStep, Cancelled, type PhaseContext } from './context';

/** 1: undone, the previous configuration runs; 2: restoring obsolete services failed; 3: removing new services failed. */
export type UndoStatus = 1 | 2 | 3;

export interface ActivateOptions {
  /** Where each activation and deactivation is written down while the targets are locked. */
  journal?: DeployJournal;
}

export interface Transitioned {
  deactivated: Step[];
  activated: Step[];
  /** What stopped the transition, when something did. */
  error?: unknown;
}

export async function activate(plan: TransitionPlan, ctx: PhaseContext, o: ActivateOptions = {}): Promise<Transitioned> {
  const of = (kind: Step['kind']) => plan.steps.filter((s) => s.kind === kind);
  const deactivation = await runSteps(plan, of('deactivate'), (s) => s.after ?? [], run(plan.from, 'deactivate', 'deactivate', ctx, o), ctx.signal);
  if (deactivation.error) return { deactivated: deactivation.done, activated: [], error: deactivation.error };
  const activation = await runSteps(plan, of('activate'), (s) => s.after ?? [], run(plan.next, 'activate', 'activate', ctx, o), ctx.signal);
  return { deactivated: deactivation.done, activated: activation.done, error: activation.error };
}

/** Deactivates what was activated (dependents first), then activates what was deactivated (dependencies first). */
export async function undoTransition(plan: TransitionPlan, done: Transitioned, cause: unknown, ctx: PhaseContext, o: ActivateOptions = {}): Promise<UndoStatus> {
  ctx.emit({ phase: 'rollback', state: 'start', message: (cause as Error).message });
  const removed = await runSteps(plan, done.activated, reversed(done.activated), run(plan.next, 'deactivate', 'rollback', ctx, o));
  const restored = await runSteps(plan, done.deactivated, reversed(done.deactivated), run(plan.from, 'activate', 'rollback', ctx, o));
  ctx.emit({ phase: 'rollback', state: removed.error || restored.error ? 'failed' : 'done' });
  return removed.error ? 3 : restored.error ? 2 : 1;
}

/** The opposite order among `steps`: each waits for the steps that waited for it. */
function reversed(steps: Step[]): (s: Step) => string[] {
  const waitedBy = new Map<string, string[]>();
  for (const s of steps) {
    for (const k of s.after ?? []) {
      const list = waitedBy.get(k);
      if (list) list.push(mappingKey(s.mapping!));
      else waitedBy.set(k, [mappingKey(s.mapping!)]);
    }
  }
  return (s) => waitedBy.get(mappingKey(s.mapping!)) ?? [];
}

function run(manifest: Manifest, op: 'activate' | 'deactivate', phase: DeployPhase, ctx: PhaseContext, o: ActivateOptions) {
  return (s: Step) => {
    const m = s.mapping!;
    const a = activationOf(manifest, m);
    return asStep(ctx, { phase, target: m.target, container: m.container, service: a.name, activity: op }, async () => {
      o.journal?.record(op, m, 'start');
      await ctx.client(m.target).call({ op, type: a.type, container: a.container, arguments: a.arguments, path: a.pkg });
      o.journal?.record(op, m, 'done');
    });
  };
}

/** Runs `steps` on the plan's schedule (./schedule.ts), starting them in the plan's order. */
async function runSteps(plan: TransitionPlan, steps: Step[], waitsFor: (s: Step) => string[], run: (s: Step) => Promise<void>, signal?: AbortSignal): Promise<{ done: Step[]; error?: unknown }> {
  const queue = new JobQueue(
    steps.map((step, i) => ({ key: mappingKey(step.mapping!), target: step.target!, order: String(i).padStart(10, '0'), waitsFor: waitsFor(step), step })),
    coresOf(plan.next, plan.from),
  );
  const done: Step[] = [];
  let error: unknown;
  let active = 0;
  return new Promise((resolve) => {
    const pump = () => {
      if (error === undefined && signal?.aborted) error = new Cancelled();
      if (error === undefined) {
        for (const job of queue.take()) {
          active++;
          run(job.step)
            .then(
              () => {
                done.push(job.step);
                queue.end(job, true);
              },
              (e: unknown) => {
                error ??= e;
                queue.end(job, false);
              },
            )
            .finally(() => {
              active--;
              pump();
            });
        }
      }
      if (active === 0) resolve({ done, error: error ?? (queue.left > 0 ? new DeployError('a dependency cycle left services unordered') : undefined) });
    };
    pump();
  });
}
