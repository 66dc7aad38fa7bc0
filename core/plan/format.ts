// The plan in words, in the spirit of `terraform plan`: what changes per target and why, then
// the steps in order. Used by `dnx plan` and by the editor's plan document.

import type { ChangeStatus } from './changes';
import type { Plan, Step } from './transition';
import type { Manifest } from './types';

const MARK: Record<ChangeStatus, string> = { new: '+', removed: '-', changed: '~', unchanged: ' ' };

export interface FormatOptions {
  /** What the plan was compared with, e.g. "generation 4 of profile 'default'". */
  against?: string;
  /** List unchanged services too (by default only counted). */
  showUnchanged?: boolean;
}

export function formatPlan(plan: Plan, next: Manifest, options: FormatOptions = {}): string {
  const s = plan.summary;
  const lines: string[] = [];
  lines.push(`Plan: ${s.new} to add, ${s.changed} to change, ${s.removed} to remove, ${s.unchanged} unchanged${options.against ? ` (compared with ${options.against})` : plan.upgrade ? '' : ' (nothing deployed yet)'}.`);
  const targets = [...new Set(plan.changes.map((c) => c.target))].sort();
  for (const t of targets) {
    const changes = plan.changes.filter((c) => c.target === t);
    const shown = changes.filter((c) => options.showUnchanged || c.status !== 'unchanged');
    const cores = next.infrastructure[t]?.numOfCores;
    const hidden = changes.length - shown.length;
    lines.push('', `${t}${cores ? ` (${count(cores, 'core')})` : ''}:${hidden > 0 ? ` ${hidden} unchanged` : ''}`);
    const width = Math.max(0, ...shown.map((c) => c.service.length));
    for (const c of shown) {
      const why = c.reasons.join('; ') + (c.provisional && c.status === 'unchanged' ? 'unchanged unless its build changed (not known before building)' : '');
      lines.push(`  ${MARK[c.status]} ${c.service.padEnd(width)}  [${c.container}]${why ? `  ${why}` : ''}`);
    }
  }
  lines.push('', 'Steps:');
  let n = 0;
  const item = (text: string, sub: string[] = []) => {
    lines.push(`  ${String(++n).padStart(2)}. ${text}`);
    for (const l of sub) lines.push(`        ${l}`);
  };
  const of = (kind: Step['kind']) => plan.steps.filter((x) => x.kind === kind);
  const builds = of('build');
  if (builds.length > 0) item(`build ${count(builds.length, 'package')}${builds.some((b) => b.pkg === null) ? ` (${builds.filter((b) => b.pkg === null).length} known only after evaluating Nixpkgs)` : ''}`);
  const dist = of('distribute');
  if (dist.length > 0) item('distribute closures', dist.map((d) => `${d.target}: ${count(d.paths!.length, 'package')}`));
  const locks = of('lock');
  if (locks.length > 0) item(`lock ${locks.map((l) => l.target).join(', ')}`);
  const rounds = (steps: Step[]) => {
    const byRound = new Map<number, Step[]>();
    for (const st of steps) byRound.set(st.round!, [...(byRound.get(st.round!) ?? []), st]);
    return [...byRound].map(([r, list]) => `round ${r}: ${list.map((st) => `${st.service} on ${st.target}`).join(', ')}`);
  };
  const deact = of('deactivate');
  if (deact.length > 0) item(`deactivate ${count(deact.length, 'service')}, dependents first`, rounds(deact));
  const act = of('activate');
  if (act.length > 0) item(`activate ${count(act.length, 'service')}, dependencies first, at most numOfCores at a time per target`, rounds(act));
  const snaps = of('snapshot');
  const restores = of('restore');
  if (snaps.length + restores.length > 0) item('migrate state', [...snaps.map((x) => `snapshot ${x.service} on ${x.target}`), ...restores.map((x) => `restore ${x.service} on ${x.target}`)]);
  const profiles = of('set-profile');
  if (profiles.length > 0) item(`set the profiles of ${profiles.map((p) => p.target).join(', ')}`);
  item('record the new coordinator generation');
  const unlocks = of('unlock');
  if (unlocks.length > 0) item(`unlock ${unlocks.map((l) => l.target).join(', ')}`);
  if (s.new + s.changed + s.removed === 0 && builds.length === 0) lines.push('', 'Nothing to deploy: the deployed configuration matches the models.');
  return lines.join('\n') + '\n';
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
