// The editor's views of a deployment plan: the plan in words with links from the targets and
// services it names to their definitions (the plan document), or the deployment graph coloured
// by the same changes with where each machine and service is defined (the graph panel). Plain
// data from the analysis and what is deployed now; each panel asks for its own view only.

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

/** The plan in words; its links lead to the models. */
export interface PlanTextView {
  kind: 'text';
  text: string;
  links: PlanLink[];
}

/** The deployment graph, and where its machines (by name) and service instances (by id) are defined. */
export interface PlanGraphView {
  kind: 'graph';
  graph: DeploymentGraph;
  targets: Map<string, Loc>;
  services: Map<string, Loc>;
}

export type PlanView = PlanTextView | PlanGraphView;

export type PlanViewResult<V extends PlanView = PlanView> = { view: V } | { errors: Diagnostic[] };

export interface PlanViewOptions {
  /** What runs now: the current coordinator generation, if any. */
  previous?: Manifest;
  /** What `previous` is, in words, e.g. "generation 3 of profile 'default'". */
  against?: string;
}

/** The view a panel shows, and only that: the plan document its words, the graph panel its drawing. */
export function planView<K extends PlanView['kind']>(state: IdeState, kind: K, options: PlanViewOptions = {}): PlanViewResult<Extract<PlanView, { kind: K }>> {
  const { manifest, diagnostics } = buildManifest(state.analysis);
  if (!manifest) return { errors: diagnostics.filter((d) => d.severity === 'error') };
  const plan = planTransition(manifest, options.previous);
  const model = state.analysis.model;
  const targets = new Map([...model.infrastructure].map(([name, t]) => [name, t.loc]));
  const byName = new Map<string, Loc>();
  for (const s of model.services.values()) byName.set(s.name?.value ?? s.key, s.loc);
  let view: PlanView;
  if (kind === 'text') {
    const { text, refs } = describePlan(plan, { against: options.against, showUnchanged: true });
    // A removed service or target is not in the models any more: its name links nowhere.
    const links: PlanLink[] = [];
    for (const r of refs) {
      const loc = r.service ? byName.get(r.service) : targets.get(r.target);
      if (loc) links.push({ start: r.start, end: r.end, loc });
    }
    view = { kind: 'text', text, links };
  } else {
    const graph = deploymentGraph(manifest, { changes: plan.changes, previous: options.previous });
    const services = new Map<string, Loc>();
    for (const s of graph.services) {
      const loc = byName.get(s.name);
      if (loc) services.set(s.id, loc);
    }
    view = { kind: 'graph', graph, targets, services };
  }
  return { view: view as Extract<PlanView, { kind: K }> };
}
