// Routes the edges between machines at right angles through the empty space around the placed
// machine columns, so that none crosses a machine it does not start or end in: out of its
// service's side into the gap beside that column, along the gap, then (to a column further
// away) along a corridor above all machines to the gap beside the other column, and into the
// other service. Edges that share a gap or the corridor each get a track of their own, and the
// edges meeting one side of a service each get a point of their own on it.

export type Side = 'left' | 'right';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge to route: its two services, and the columns their machines are in. */
export interface Crossing {
  from: Rect & { id: string };
  to: Rect & { id: string };
  fromColumn: number;
  toColumn: number;
}

/** A column's horizontal extent: its machines' union. */
export interface ColumnSpan {
  left: number;
  right: number;
}

type Point = { x: number; y: number };

/** The points of each edge's path, start to end. */
export function routeAcross(crossings: Crossing[], columns: ColumnSpan[], top: number): Point[][] {
  // Towards a column on the right: right side to left side; on the left: the mirror; in the same column: both right sides.
  const sides = crossings.map((c): [Side, Side] => (c.toColumn > c.fromColumn ? ['right', 'left'] : c.toColumn < c.fromColumn ? ['left', 'right'] : ['right', 'right']));
  const ports = spreadPorts(crossings, sides);
  // Gap k lies right of column k (-1: left of the first).
  const gapOf = (column: number, side: Side) => (side === 'right' ? column : column - 1);
  const gapSpan = (k: number): [number, number] => [columns[k]?.right ?? columns[0].left - 80, columns[k + 1]?.left ?? columns[columns.length - 1].right + 80];
  const plans = crossings.map((c, i) => ({ out: gapOf(c.fromColumn, sides[i][0]), into: gapOf(c.toColumn, sides[i][1]) }));
  // Tracks: each edge's place in the gaps it runs along, and in the corridor.
  // Per gap, how many edges run along it, and each edge's track there; the same for the corridor.
  const users = new Map<number, number>();
  const track = new Map<string, number>();
  const corridor = new Map<number, number>();
  plans.forEach((p, i) => {
    for (const k of p.out === p.into ? [p.out] : [p.out, p.into]) {
      track.set(`${k}:${i}`, users.get(k) ?? 0);
      users.set(k, (users.get(k) ?? 0) + 1);
    }
    if (p.out !== p.into) corridor.set(i, corridor.size);
  });
  const trackX = (k: number, i: number) => {
    const [left, right] = gapSpan(k);
    return left + ((right - left) * (track.get(`${k}:${i}`)! + 1)) / (users.get(k)! + 1);
  };
  return plans.map((p, i) => {
    const [start, end] = ports[i];
    const out = trackX(p.out, i);
    if (p.out === p.into) return [start, { x: out, y: start.y }, { x: out, y: end.y }, end];
    const into = trackX(p.into, i);
    const level = top - 14 * (corridor.get(i)! + 1);
    return [start, { x: out, y: start.y }, { x: out, y: level }, { x: into, y: level }, { x: into, y: end.y }, end];
  });
}

/**
 * The point on each side an edge meets: the edges meeting one side of a service share its
 * height out, ordered by where their other ends are, so incoming and outgoing edges do not meet
 * at one point.
 */
function spreadPorts(crossings: Crossing[], sides: [Side, Side][]): [Point, Point][] {
  const bySide = new Map<string, [number, 0 | 1, number][]>();
  crossings.forEach(({ from, to }, i) => {
    for (const [end, box, other] of [[0, from, to], [1, to, from]] as const) {
      const key = `${box.id}:${sides[i][end]}`;
      const list = bySide.get(key);
      if (list) list.push([i, end, other.y + other.height / 2]);
      else bySide.set(key, [[i, end, other.y + other.height / 2]]);
    }
  });
  const points: Point[][] = crossings.map(() => []);
  for (const list of bySide.values()) {
    list.sort((a, b) => a[2] - b[2] || a[0] - b[0]);
    list.forEach(([i, end], k) => {
      const box = end === 0 ? crossings[i].from : crossings[i].to;
      points[i][end] = { x: sides[i][end] === 'left' ? box.x : box.x + box.width, y: box.y + (box.height * (k + 1)) / (list.length + 1) };
    });
  }
  return points.map(([a, b]) => [a, b]);
}
