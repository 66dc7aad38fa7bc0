// Lays the deployment graph out in two levels, so that large networks stay fast: each machine
// on its own with ELK's layered algorithm (containers holding services, the edges inside the
// machine routed orthogonally), then the machines in columns by the dependencies between them
// (placement.ts). An edge from one machine to another leaves by a port on its machine's east
// side and enters by one on the other's west side: ELK routes it inside each machine, and
// routing.ts between the two, at right angles around the machines. A machine whose contents
// did not change keeps its layout from the last drawing, so an edit re-lays out only the
// machines it touches.

import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { groupBy } from '../core/collections';
import type { DeploymentGraph, GraphEdge } from './messages';
import { placeInColumns, stableColumns } from './placement';
import { routeAcross, type Point } from './routing';

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
  /**
   * Its SVG path in drawing coordinates, in pieces that join end to start. An edge between
   * machines shares its legs inside the two machines with the other edges of its services, as
   * the same strings, so a drawing of many edges can draw each piece once.
   */
  pieces: string[];
  end: { x: number; y: number; dx: number; dy: number };
}

/** Where a path ends, heading from `from` to `to` (a unit direction). */
function ending(from: Point, to: Point): Route['end'] {
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

  // The ports, by id: the edges leaving one service share its leg to the east side, and those
  // entering it its leg from the west side (a port per edge made the layout of a densely
  // connected network several times slower).
  const ports = new Map<string, { target: string; side: 'EAST' | 'WEST'; leg: ElkExtendedEdge }>();
  for (const e of across) {
    ports.set(`out:${e.from}`, { target: targetOf.get(e.from)!, side: 'EAST', leg: { id: `out:${e.from}`, sources: [`service:${e.from}`], targets: [`out:${e.from}`] } });
    ports.set(`in:${e.to}`, { target: targetOf.get(e.to)!, side: 'WEST', leg: { id: `in:${e.to}`, sources: [`in:${e.to}`], targets: [`service:${e.to}`] } });
  }
  const portsOn = groupBy(ports.values(), (p) => p.target);

  const laidOutNow = new Map<string, Promise<ElkNode>>();
  const machines = await Promise.all(
    targets.map((t) => {
      const own = portsOn.get(t.id) ?? [];
      // One layout through the containers only where an edge crosses them: laid out on their
      // own, the containers' unconnected services are packed into a squarer block.
      const hierarchy = within.has(`target:${t.id}`) || own.length ? 'INCLUDE_CHILDREN' : 'SEPARATE_CHILDREN';
      const machine: ElkNode = {
        id: `target:${t.id}`,
        layoutOptions: { ...LAYERED, 'elk.hierarchyHandling': hierarchy, 'elk.portConstraints': 'FIXED_SIDE' },
        ports: own.map((p) => ({ id: p.leg.id, width: 0, height: 0, layoutOptions: { 'elk.port.side': p.side } })),
        children: (containersOn.get(t.id) ?? []).map((c) => ({
          id: `container:${c.id}`,
          layoutOptions: LAYERED,
          children: (servicesIn.get(c.id) ?? []).map((s) => ({ id: `service:${s.id}`, width: Math.max(90, s.name.length * CHAR_WIDTH + 24), height: SERVICE_HEIGHT })),
          edges: elkEdges(`container:${c.id}`),
        })),
        edges: [...elkEdges(`target:${t.id}`), ...own.map((p) => p.leg)],
      };
      // ELK routes edges to the ports of a node it lays out, not of the graph it is given, so
      // the machine goes in a frame of its own.
      const input: ElkNode = { id: 'frame', layoutOptions: { ...LAYERED, 'elk.padding': '[top=0,left=0,bottom=0,right=0]', 'elk.hierarchyHandling': hierarchy }, children: [machine] };
      const key = JSON.stringify(input);
      const done = laidOutBefore.get(key) ?? elk.layout(input);
      laidOutNow.set(key, done);
      return done.then((frame) => ({ ...frame.children![0], x: 0, y: 0 }));
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
  /** The legs to and from the machines' ports, by their ids, to join to the stretch between machines. */
  const legs = new Map<string, { points: Point[]; piece: string }>();
  const routed = (n: ElkNode) => {
    for (const e of n.edges ?? []) {
      // ELK gives the points relative to the node it names as the edge's container.
      const base = at.get((e as { container?: string }).container ?? n.id)!;
      for (const s of e.sections ?? []) {
        const points = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x + base.x, y: p.y + base.y }));
        if (byId.has(e.id)) routes.push({ edge: byId.get(e.id)!, pieces: [polyline(points)], end: ending(points.at(-2)!, points.at(-1)!) });
        else legs.set(e.id, { points, piece: polyline(points) });
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
  const stretches = routeAcross(
    across.map((e) => ({ from: legs.get(`out:${e.from}`)!.points.at(-1)!, to: legs.get(`in:${e.to}`)!.points[0], fromColumn: columnOf.get(`target:${targetOf.get(e.from)}`)!, toColumn: columnOf.get(`target:${targetOf.get(e.to)}`)! })),
    spans,
    top,
  );
  across.forEach((e, i) => {
    const [out, into] = [legs.get(`out:${e.from}`)!, legs.get(`in:${e.to}`)!];
    routes.push({ edge: e, pieces: [out.piece, polyline(stretches[i]), into.piece], end: ending(into.points.at(-2)!, into.points.at(-1)!) });
  });
  return { boxes, routes };
}

// Points to a tenth of a pixel: ELK's sixteen digits made the path text of a large network
// several times longer for the browser to parse.
const at10th = (n: number) => Math.round(n * 10) / 10;
const polyline = (points: Point[]) => 'M' + points.map((p) => `${at10th(p.x)},${at10th(p.y)}`).join(' L');

const edgeId = (e: GraphEdge) => `${e.kind}:${e.from}>${e.to}`;
