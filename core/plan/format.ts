// The plan in words, in the spirit of `terraform plan`: what changes per target and why, then
// the steps in order. Used by `dnx plan` and by the editor's plan document, which links the
// targets and services it names to the model.

import { groupBy } from '../collections';
import type { ChangeStatus } from './changes';
import type { Step, TransitionPlan } from './transition';

const MARK: Record<ChangeStatus, string> = { new: '+', removed: '-', changed: '~', unchanged: ' ' };

export interface FormatOptions {
  /** What the plan was compared with, e.g. "generation 4 of profile 'default'". */
  against?: string;
  /** List unchanged services too (by default only counted). */
  showUnchanged?: boolean;
}

/** A place in the text that names a target, or a service on a target. */
export interface PlanRef {
  start: number;
  end: number;
  target: string;
  service?: string;
}

export interface PlanText {
  text: string;
  refs: PlanRef[];
}

/** A piece of a line: text, or text naming a target or a service on one. */
type Part = string | { text: string; target: string; service?: string };

export function formatPlan(plan: TransitionPlan, options: FormatOptions = {}): string {
  return describePlan(plan, options).text;
}

/** The plan in words, with where it names targets and services (the editor links those). */
export function describePlan(plan: TransitionPlan, options: FormatOptions = {}): PlanText {
  const { next } = plan;
  const out: PlanText = { text: '', refs: [] };
  const line = (...parts: Part[]) => {
    for (const p of parts) {
      if (typeof p === 'string') out.text += p;
      else {
        out.refs.push({ start: out.text.length, end: out.text.length + p.text.length, target: p.target, ...(p.service ? { service: p.service } : {}) });
        out.text += p.text;
      }
    }
    out.text += '\n';
  };
  const joined = (parts: Part[][], separator = ', '): Part[] => parts.flatMap((p, i) => (i ? [separator, ...p] : p));
  const onTarget = (st: Step): Part[] => [{ text: st.service!, target: st.target!, service: st.service }, ' on ', { text: st.target!, target: st.target! }];
  const targetsOf = (steps: Step[]) => joined(steps.map((st) => [{ text: st.target!, target: st.target! }]));

  const s = plan.summary;
  line(`Plan: ${s.new} to add, ${s.changed} to change, ${s.removed} to remove, ${s.unchanged} unchanged${options.against ? ` (compared with ${options.against})` : plan.upgrade ? '' : ' (nothing deployed yet)'}.`);
  const byTarget = groupBy(plan.changes, (c) => c.target);
  for (const t of [...byTarget.keys()].sort()) {
    const changes = byTarget.get(t)!;
    const shown = changes.filter((c) => options.showUnchanged || c.status !== 'unchanged');
    const cores = next.infrastructure[t]?.numOfCores;
    const hidden = changes.length - shown.length;
    line();
    line({ text: t, target: t }, `${cores ? ` (${count(cores, 'core')})` : ''}:${hidden > 0 ? ` ${hidden} unchanged` : ''}`);
    const width = Math.max(0, ...shown.map((c) => c.service.length));
    for (const c of shown) {
      const why = c.reasons.join('; ') + (c.provisional && c.status === 'unchanged' ? 'unchanged unless its build changed (not known before building)' : '');
      line(`  ${MARK[c.status]} `, { text: c.service, target: t, service: c.service }, `${' '.repeat(width - c.service.length)}  [${c.container}]${why ? `  ${why}` : ''}`);
    }
  }
  line();
  line('Steps:');
  let n = 0;
  const item = (text: Part[], sub: Part[][] = []) => {
    line(`  ${String(++n).padStart(2)}. `, ...text);
    for (const l of sub) line('        ', ...l);
  };
  const of = (kind: Step['kind']) => plan.steps.filter((x) => x.kind === kind);
  const builds = of('build');
  if (builds.length > 0) item([`build ${count(builds.length, 'package')}${builds.some((b) => b.pkg === null) ? ` (${builds.filter((b) => b.pkg === null).length} not known before building)` : ''}`]);
  const dist = of('distribute');
  if (dist.length > 0) item(['distribute closures (each target is sent what it lacks)'], dist.map((d) => [{ text: d.target!, target: d.target! }, `: ${d.paths!.length > 0 ? `${count(d.paths!.length, 'new package')}` : 'no new packages'}`]));
  const locks = of('lock');
  if (locks.length > 0) item(['lock ', ...targetsOf(locks)]);
  const rounds = (steps: Step[]): Part[][] => [...groupBy(steps, (st) => st.round!)].map(([r, list]) => [`round ${r}: `, ...joined(list.map(onTarget))]);
  const deact = of('deactivate');
  if (deact.length > 0) item([`deactivate ${count(deact.length, 'service')}, dependents first`], rounds(deact));
  const act = of('activate');
  if (act.length > 0) item([`activate ${count(act.length, 'service')}, dependencies first, at most numOfCores at a time per target`], rounds(act));
  const state = plan.steps.filter((x) => x.kind === 'snapshot' || x.kind === 'restore' || x.kind === 'delete-state');
  const stateLine = (x: Step): Part[] => [`${x.kind === 'delete-state' ? 'delete the state of' : x.kind} `, ...onTarget(x), ...(x.from ? [' (state from ', { text: x.from.target, target: x.from.target }, ')'] : [])];
  if (state.length > 0) item(['migrate state'], state.map(stateLine));
  const profiles = of('set-profile');
  if (profiles.length > 0) item(['set the profiles of ', ...targetsOf(profiles)]);
  if (of('set-coordinator-profile').length > 0) item(['record the new coordinator generation']);
  const unlocks = of('unlock');
  if (unlocks.length > 0) item(['unlock ', ...targetsOf(unlocks)]);
  if (s.new + s.changed + s.removed === 0 && builds.length === 0) {
    line();
    line('Nothing to deploy: the deployed configuration matches the models.');
  }
  return out;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
