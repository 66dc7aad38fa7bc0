// The deployment graph: targets holding containers holding service instances, and the
// dependency edges between instances. Plain data, drawn by `dnx visualize` as DOT and by the
// editor's webview. Given a plan, instances carry its status and removed ones are kept.

import type { ChangeStatus, ServiceChange } from './changes';
import type { DependencyMapping, Manifest, ServiceMapping } from './types';

export interface GraphService {
  /** `target/container/name`: one instance of a service. */
  id: string;
  name: string;
  type: string;
  target: string;
  container: string;
  hash: string;
  pkg: string | null;
  status?: ChangeStatus;
  reasons?: string[];
}

export interface GraphContainer {
  id: string;
  name: string;
  target: string;
  /** The service providing this container, when one does. */
  providedBy?: string;
}

export interface GraphTarget {
  id: string;
  name: string;
  address?: string;
  system: string;
  numOfCores: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'dependsOn' | 'connectsTo';
}

export interface DeploymentGraph {
  targets: GraphTarget[];
  containers: GraphContainer[];
  services: GraphService[];
  edges: GraphEdge[];
}

export const instanceId = (target: string, container: string, name: string) => `${target}/${container}/${name}`;

export function deploymentGraph(manifest: Manifest, plan?: { changes: ServiceChange[]; previous?: Manifest }): DeploymentGraph {
  const graph: DeploymentGraph = { targets: [], containers: [], services: [], edges: [] };
  const status = new Map((plan?.changes ?? []).map((c) => [`${c.target}\0${c.service}`, c]));
  const containers = new Map<string, GraphContainer>();
  const targets = new Set<string>();

  const addInstance = (m: ServiceMapping, source: Manifest, only?: ChangeStatus) => {
    const s = source.services[m.service];
    if (!s) return;
    const change = status.get(`${m.target}\0${s.name}`);
    if (only && change?.status !== only) return;
    targets.add(m.target);
    const cid = `${m.target}/${m.container}`;
    if (!containers.has(cid)) {
      const providedBy = m.containerProvidedByService ? source.services[m.containerProvidedByService]?.name : undefined;
      containers.set(cid, { id: cid, name: m.container, target: m.target, ...(providedBy ? { providedBy } : {}) });
    }
    graph.services.push({ id: instanceId(m.target, m.container, s.name), name: s.name, type: s.type, target: m.target, container: m.container, hash: m.service, pkg: s.pkg, ...(change ? { status: change.status, reasons: change.reasons } : {}) });
    const edge = (d: DependencyMapping, kind: GraphEdge['kind']) => {
      const dep = source.services[d.service];
      if (dep) graph.edges.push({ from: instanceId(m.target, m.container, s.name), to: instanceId(d.target, d.container, dep.name), kind });
    };
    for (const d of s.dependsOn) edge(d, 'dependsOn');
    for (const d of s.connectsTo) edge(d, 'connectsTo');
  };
  for (const m of manifest.serviceMappings) addInstance(m, manifest);
  if (plan?.previous) for (const m of plan.previous.serviceMappings) addInstance(m, plan.previous, 'removed');

  const infra = { ...(plan?.previous?.infrastructure ?? {}), ...manifest.infrastructure };
  for (const name of Object.keys(infra).sort()) {
    const t = infra[name];
    if (!targets.has(name) && !manifest.infrastructure[name]) continue;
    const address = t.properties[t.targetProperty];
    graph.targets.push({ id: name, name, system: t.system, numOfCores: t.numOfCores, ...(typeof address === 'string' ? { address } : {}) });
  }
  graph.containers = [...containers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = new Set(graph.services.map((s) => s.id));
  // An edge to an instance the graph does not show (a removed dependency) is left out.
  graph.edges = graph.edges.filter((e) => ids.has(e.to));
  return graph;
}
