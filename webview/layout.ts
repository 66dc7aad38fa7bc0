// Lays the deployment graph out in two levels, so that large networks stay fast: each machine
// on its own with ELK's layered algorithm (containers holding services, the edges inside the
// machine routed orthogonally), then the machines in columns by the dependencies between them
// (placement.ts). Edges from one machine to another are routed at right angles around the
// machines (routing.ts). A machine whose contents did not change keeps its layout from the last
// drawing, so an edit re-lays out only the machines it touches.

import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { groupBy } from '../core/collections';
import type { DeploymentGraph, GraphEdge } from './messages';
import { placeInColumns, stableColumns } from './placement';
import { routeAcross } from './routing';

export const SERVICE_HEIGHT = 34;
const CHAR_WIDTH = 7.5;
const LAYERED = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.padding': '[top=28,left=12,bottom=12,right=12]',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
};

export interface Box {
  kind: 'target' | 'container' | 'service';
  /** The id in the graph: a target name, `target/container`, or a service instance id. */
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge shown, its SVG path in drawing coordinates, and where it ends and in which direction (for its arrowhead). */
export interface Route {
  edge: GraphEdge;
  path: string;
  end: { x: number; y: number; dx: number; dy: number };
}

/** Where a path ends, heading from `from` to `to` (a unit direction). */
function ending(from: { x: number; y: number }, to: { x: number; y: number }): Route['end'] {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: to.x, y: to.y, dx: (to.x - from.x) / length, dy: (to.y - from.y) / length };
}

/** Boxes in drawing order (a machine before what it holds), and the edges. */
export interface Drawing {
  boxes: Box[];
  routes: Route[];
}

const elk = new ELK();
/** Laid-out machines by their ELK input, from the last drawing. */
let laidOutBefore = new Map<string, Promise<ElkNode>>();
/** The machines' columns in the last drawing. */
let columnsBefore: string[][] | undefined;

export async function layout(graph: DeploymentGraph, filter: string): Promise<Drawing> {
  const targets = graph.targets.filter((t) => !filter || t.id === filter);
  const shownTargets = new Set(targets.map((t) => t.id));
  const targetOf = new Map(graph.services.filter((s) => shownTargets.has(s.target)).map((s) => [s.id, s.target]));
  const byId = new Map(graph.edges.filter((e) => targetOf.has(e.from) && targetOf.has(e.to)).map((e) => [edgeId(e), e]));
  const edges = [...byId.values()];
  const servicesById = new Map(graph.services.map((s) => [s.id, s]));
  const containerOf = (serviceId: string) => servicesById.get(serviceId)!.container;
  const servicesIn = groupBy(graph.services, (s) => `${s.target}/${s.container}`);
  const containersOn = groupBy(graph.containers, (c) => c.target);
  // An edge across machines is drawn after the machines are placed; one within a machine is
  // given to ELK in the innermost box holding both its ends.
  const across = edges.filter((e) => targetOf.get(e.from) !== targetOf.get(e.to));
  const within = groupBy(
    edges.filter((e) => targetOf.get(e.from) === targetOf.get(e.to)),
    (e) => (containerOf(e.from) === containerOf(e.to) ? `container:${targetOf.get(e.from)}/${containerOf(e.from)}` : `target:${targetOf.get(e.from)}`),
  );
  const elkEdges = (box: string): ElkExtendedEdge[] => (within.get(box) ?? []).map((e) => ({ id: edgeId(e), sources: [`service:${e.from}`], targets: [`service:${e.to}`] }));

  const laidOutNow = new Map<string, Promise<ElkNode>>();
  const machines = await Promise.all(
    targets.map((t) => {
      const input: ElkNode = {
        id: `target:${t.id}`,
        layoutOptions: {
          ...LAYERED,
          // One layout through the containers only where an edge crosses them: laid out on
          // their own, the containers' unconnected services are packed into a squarer block.
          'elk.hierarchyHandling': within.has(`target:${t.id}`) ? 'INCLUDE_CHILDREN' : 'SEPARATE_CHILDREN',
        },
        children: (containersOn.get(t.id) ?? []).map((c) => ({
          id: `container:${c.id}`,
          layoutOptions: LAYERED,
          children: (servicesIn.get(c.id) ?? []).map((s) => ({ id: `service:${s.id}`, width: Math.max(90, s.name.length * CHAR_WIDTH + 24), height: SERVICE_HEIGHT })),
          edges: elkEdges(`container:${c.id}`),
        })),
        edges: elkEdges(`target:${t.id}`),
      };
      const key = JSON.stringify(input);
      const done = laidOutBefore.get(key) ?? elk.layout(input);
      laidOutNow.set(key, done);
      return done;
    }),
  );
  laidOutBefore = laidOutNow;

  const between = across.map((e) => ({ from: `target:${targetOf.get(e.from)}`, to: `target:${targetOf.get(e.to)}` }));
  const sized = machines.map((m) => ({ id: m.id, width: m.width ?? 0, height: m.height ?? 0 }));
  columnsBefore = stableColumns(sized, between, columnsBefore);
  const placed = placeInColumns(sized, columnsBefore);

  const boxes: Box[] = [];
  const at = new Map<string, Box>();
  const place = (n: ElkNode, ox: number, oy: number) => {
    const colon = n.id.indexOf(':');
    const box: Box = { kind: n.id.slice(0, colon) as Box['kind'], id: n.id.slice(colon + 1), x: ox + (n.x ?? 0), y: oy + (n.y ?? 0), width: n.width ?? 0, height: n.height ?? 0 };
    boxes.push(box);
    at.set(n.id, box);
    for (const child of n.children ?? []) place(child, box.x, box.y);
  };
  for (const m of machines) place({ ...m, ...placed.get(m.id)! }, 0, 0);

  const routes: Route[] = [];
  const routed = (n: ElkNode) => {
    for (const e of n.edges ?? []) {
      // ELK gives the points relative to the node it names as the edge's container.
      const base = at.get((e as { container?: string }).container ?? n.id)!;
      for (const s of e.sections ?? []) {
        const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x + base.x, y: p.y + base.y }));
        routes.push({ edge: byId.get(e.id)!, path: 'M' + points.map((p) => `${p.x},${p.y}`).join(' L'), end: ending(points.at(-2)!, points.at(-1)!) });
      }
    }
    for (const child of n.children ?? []) routed(child);
  };
  for (const m of machines) routed(m);
  const columnOf = new Map(columnsBefore.flatMap((ids, k) => ids.map((id) => [id, k] as const)));
  const spans = columnsBefore.map((ids) => {
    const inColumn = ids.map((id) => at.get(id)!);
    return { left: Math.min(...inColumn.map((b) => b.x)), right: Math.max(...inColumn.map((b) => b.x + b.width)) };
  });
  const top = Math.min(0, ...machines.map((m) => at.get(m.id)!.y));
  const paths = routeAcross(
    across.map((e) => ({ from: at.get(`service:${e.from}`)!, to: at.get(`service:${e.to}`)!, fromColumn: columnOf.get(`target:${targetOf.get(e.from)}`)!, toColumn: columnOf.get(`target:${targetOf.get(e.to)}`)! })),
    spans,
    top,
  );
  across.forEach((e, i) => {
    const points = paths[i];
    routes.push({ edge: e, path: 'M' + points.map((p) => `${p.x},${p.y}`).join(' L'), end: ending(points.at(-2)!, points.at(-1)!) });
  });
  return { boxes, routes };
}

const edgeId = (e: GraphEdge) => `${e.kind}:${e.from}>${e.to}`;
