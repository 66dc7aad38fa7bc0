// Routes the edges between machines at right angles through the empty space around the placed
// machine columns, so that none crosses a machine: from the port on the east side of the
// machine it leaves into the gap right of that column, then (unless that gap is the one left of
// the other machine's column) along a corridor above all machines to the gap left of the other
// column, and into the port on the west side of the machine it enters. ELK has routed the legs
// inside the machines, from the service to its port. Edges that share a gap or the corridor
// each get a track of their own.

import { MinHeap } from '../core/collections';

export interface Point {
  x: number;
  y: number;
}

/** An edge to route: the ports it leaves and enters by, and the columns their machines are in. */
export interface Crossing {
  from: Point;
  to: Point;
  fromColumn: number;
  toColumn: number;
}

/** A column's horizontal extent: its machines' union. */
export interface ColumnSpan {
  left: number;
  right: number;
}

/** The points of each edge's path, from its east port to its west port. */
export function routeAcross(crossings: Crossing[], columns: ColumnSpan[], top: number): Point[][] {
  // Gap k lies right of column k (-1: left of the first).
  const gapSpan = (k: number): [number, number] => [columns[k]?.right ?? columns[0].left - 80, columns[k + 1]?.left ?? columns[columns.length - 1].right + 80];
  const plans = crossings.map((c) => ({ out: c.fromColumn, into: c.toColumn - 1 }));
  // Per gap, how many edges run along it; each edge's track in the gap it leaves by and the one
  // it enters by, and its level in the corridor.
  const users: number[] = [];
  const count = (k: number) => (users[k + 1] = (users[k + 1] ?? 0) + 1) - 1;
  const outTrack = plans.map((p) => count(p.out));
  const intoTrack = plans.map((p, i) => (p.out === p.into ? outTrack[i] : count(p.into)));
  const trackX = (k: number, t: number) => {
    const [left, right] = gapSpan(k);
    return left + ((right - left) * (t + 1)) / (users[k + 1] + 1);
  };
  const outX = plans.map((p, i) => trackX(p.out, outTrack[i]));
  const intoX = plans.map((p, i) => trackX(p.into, intoTrack[i]));
  const level = corridorLevels(plans.map((p, i) => (p.out === p.into ? undefined : [Math.min(outX[i], intoX[i]), Math.max(outX[i], intoX[i])])));
  // Beyond 40 levels they close up, so a dense network's corridor does not tower over it.
  const spacing = LEVEL_SPACING * Math.min(1, MOST_LEVELS_SPACED / (Math.max(-1, ...level) + 1));
  return plans.map((p, i) => {
    const { from: start, to: end } = crossings[i];
    const [out, into] = [outX[i], intoX[i]];
    if (p.out === p.into) return [start, { x: out, y: start.y }, { x: out, y: end.y }, end];
    const y = top - spacing * (level[i] + 1);
    return [start, { x: out, y: start.y }, { x: out, y }, { x: into, y }, { x: into, y: end.y }, end];
  });
}

const LEVEL_SPACING = 14;
const MOST_LEVELS_SPACED = 40;

/**
 * A level in the corridor for each edge that runs along it (given its horizontal extent there):
 * edges whose extents do not overlap share a level, so the corridor is as low as it can be.
 * Greedy by left end, taking the level that came free first: the fewest levels.
 */
export function corridorLevels(spans: ([number, number] | undefined)[]): number[] {
  const order = spans.map((_, i) => i).filter((i) => spans[i]).sort((a, b) => spans[a]![0] - spans[b]![0]);
  const level: number[] = spans.map(() => -1);
  // Every level so far, by where it comes free.
  const levels = new MinHeap<{ right: number; level: number }>((l) => l.right);
  for (const i of order) {
    const [left, right] = spans[i]!;
    const first = levels.peek();
    level[i] = first && first.right < left ? levels.pop()!.level : levels.size;
    levels.push({ right, level: level[i] });
  }
  return level;
}
