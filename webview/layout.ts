// Lays the deployment graph out in two levels, so that large networks stay fast: each machine
// on its own with ELK's layered algorithm (containers holding services, the edges inside the
// machine routed orthogonally), then the machines in columns by the dependencies between them
// (placement.ts). Edges from one machine to another are drawn as curves between the two
// services. A machine whose contents did not change keeps its layout from the last drawing, so
// an edit re-lays out only the machines it touches.

import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { groupBy } from '../core/collections';
import type { DeploymentGraph, GraphEdge } from './messages';
import { placeInColumns, stableColumns } from './placement';

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
  const ports = spreadPorts(across.map((e) => [at.get(`service:${e.from}`)!, at.get(`service:${e.to}`)!]));
  across.forEach((e, i) => routes.push({ edge: e, ...curve(ports[i]) }));
  return { boxes, routes };
}

const edgeId = (e: GraphEdge) => `${e.kind}:${e.from}>${e.to}`;

type Side = 'left' | 'right';

/** Where an edge between machines leaves its service and where it arrives: a side of each, and a point on it. */
interface Ports {
  start: { x: number; y: number; side: Side };
  end: { x: number; y: number; side: Side };
}

/**
 * The sides each edge between machines uses: out of the side facing the other service and into
 * the side facing back, or both right sides when the two are above one another. The edges that
 * meet one side of a service share it out along its height, ordered by where their other ends
 * are, so that incoming and outgoing edges do not meet at one point.
 */
function spreadPorts(pairs: [Box, Box][]): Ports[] {
  const sides = pairs.map(([from, to]): [Side, Side] => {
    if (to.x >= from.x + from.width) return ['right', 'left'];
    if (to.x + to.width <= from.x) return ['left', 'right'];
    return ['right', 'right'];
  });
  // Per service side, the edges ending there: [edge, which end, the other end's centre height].
  const bySide = new Map<string, [number, 0 | 1, number][]>();
  pairs.forEach(([from, to], i) => {
    for (const [end, box, other] of [[0, from, to], [1, to, from]] as const) {
      const key = `${box.id}:${sides[i][end]}`;
      const list = bySide.get(key) ?? [];
      list.push([i, end, other.y + other.height / 2]);
      bySide.set(key, list);
    }
  });
  const points: { x: number; y: number; side: Side }[][] = pairs.map(() => []);
  for (const list of bySide.values()) {
    list.sort((a, b) => a[2] - b[2] || a[0] - b[0]);
    list.forEach(([i, end], k) => {
      const box = pairs[i][end];
      const side = sides[i][end];
      points[i][end] = { x: side === 'left' ? box.x : box.x + box.width, y: box.y + (box.height * (k + 1)) / (list.length + 1), side };
    });
  }
  return points.map(([start, end]) => ({ start, end }));
}

/** A curve between two ports: leaving and arriving square to their sides, bulging out where both are on the right. */
function curve({ start, end }: Ports): Pick<Route, 'path' | 'end'> {
  const facing = start.side !== end.side;
  const pull = facing ? Math.max(40, Math.abs(end.x - start.x) / 2) : 40 + Math.abs(end.y - start.y) / 4;
  const out = start.side === 'right' ? pull : -pull;
  const back = end.side === 'right' ? pull : -pull;
  return { path: `M${start.x},${start.y} C${start.x + out},${start.y} ${end.x + back},${end.y} ${end.x},${end.y}`, end: ending({ x: end.x + back, y: end.y }, end) };
}
