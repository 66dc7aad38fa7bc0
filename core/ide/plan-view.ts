// The editor's view of a deployment plan: the plan in words with links from the targets and
// services it names to their definitions, the deployment graph coloured by the same changes,
// and where each machine and service of the graph is defined. Plain data from the analysis and
// what is deployed now; the editor's plan document and graph panel show it.

import { deploymentGraph, type DeploymentGraph } from '../plan/graph';
import { describePlan } from '../plan/format';
import { buildManifest } from '../plan/manifest';
import { planTransition } from '../plan/transition';
import type { Manifest } from '../plan/types';
import type { Diagnostic } from '../nix/diagnostic';
import type { Loc } from '../nix/source';
import type { IdeState } from './state';

export interface PlanLink {
  start: number;
  end: number;
  loc: Loc;
}

export interface PlanView {
  /** The plan in words; its links lead to the models. */
  text: string;
  links: PlanLink[];
  graph: DeploymentGraph;
  /** Where the graph's machines (by name) and service instances (by id) are defined. */
  targets: Map<string, Loc>;
  services: Map<string, Loc>;
}

export type PlanViewResult = { view: PlanView } | { errors: Diagnostic[] };

export interface PlanViewOptions {
  /** What runs now: the current coordinator generation, if any. */
  previous?: Manifest;
  /** What `previous` is, in words, e.g. "generation 3 of profile 'default'". */
  against?: string;
}

export function planView(state: IdeState, options: PlanViewOptions = {}): PlanViewResult {
  const { manifest, diagnostics } = buildManifest(state.analysis);
  if (!manifest) return { errors: diagnostics.filter((d) => d.severity === 'error') };
  const plan = planTransition(manifest, options.previous);
  const { text, refs } = describePlan(plan, { against: options.against, showUnchanged: true });
  const graph = deploymentGraph(manifest, { changes: plan.changes, previous: options.previous });

  const model = state.analysis.model;
  const targets = new Map([...model.infrastructure].map(([name, t]) => [name, t.loc]));
  const byName = new Map<string, Loc>();
  for (const s of model.services.values()) byName.set(s.name?.value ?? s.key, s.loc);
  const services = new Map<string, Loc>();
  for (const s of graph.services) {
    const loc = byName.get(s.name);
    if (loc) services.set(s.id, loc);
  }
  // A removed service or target is not in the models any more: its name links nowhere.
  const links: PlanLink[] = [];
  for (const r of refs) {
    const loc = r.service ? byName.get(r.service) : targets.get(r.target);
    if (loc) links.push({ start: r.start, end: r.end, loc });
  }
  return { view: { text, links, graph, targets, services } };
}
