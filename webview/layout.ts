// Lays the deployment graph out with ELK's layered algorithm: targets are compound nodes
// holding containers, which hold the service nodes; edges are routed orthogonally.

import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { DeploymentGraph, GraphEdge } from './messages';

export const SERVICE_HEIGHT = 34;
const CHAR_WIDTH = 7.5;

const elk = new ELK();

/** The laid-out graph, and the edges shown (`edge:N` is the N-th of them). */
export async function layout(graph: DeploymentGraph, filter: string): Promise<{ root: ElkNode; edges: GraphEdge[] }> {
  const targets = graph.targets.filter((t) => !filter || t.id === filter);
  const shown = new Set(graph.services.filter((s) => targets.some((t) => t.id === s.target)).map((s) => s.id));
  const edges = graph.edges.filter((e) => shown.has(e.from) && shown.has(e.to));
  const padding = '[top=28,left=12,bottom=12,right=12]';
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
    },
    children: targets.map((t) => ({
      id: `target:${t.id}`,
      layoutOptions: { 'elk.padding': padding },
      children: graph.containers
        .filter((c) => c.target === t.id)
        .map((c) => ({
          id: `container:${c.id}`,
          layoutOptions: { 'elk.padding': padding },
          children: graph.services
            .filter((s) => s.target === t.id && s.container === c.name)
            .map((s) => ({ id: `service:${s.id}`, width: Math.max(90, s.name.length * CHAR_WIDTH + 24), height: SERVICE_HEIGHT })),
        })),
    })),
    edges: edges.map((e, i): ElkExtendedEdge => ({ id: `edge:${i}`, sources: [`service:${e.from}`], targets: [`service:${e.to}`] })),
  };
  return { root: await elk.layout(root), edges };
}
