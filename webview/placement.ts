// Places the machines of the graph, each already laid out, in columns ordered by the
// dependencies between them: a machine left of the machines it depends on. Machines that
// depend on each other (a cycle) share a column. A column that would make the drawing taller
// than a screen's proportions wraps into several, so a densely connected network stays compact.
// Linear in machines and links: a general layered layout of a dense machine graph takes
// seconds (every long link becomes a chain of dummy nodes). A redraw of the same machines keeps
// their columns, so a new dependency between them does not move them about.

export interface Sized {
  id: string;
  width: number;
  height: number;
}

export interface Link {
  from: string;
  to: string;
}

export interface Gap {
  x: number;
  y: number;
}

const GAP: Gap = { x: 80, y: 40 };

export function placeMachines(nodes: Sized[], links: Link[], gap: Gap = GAP): Map<string, { x: number; y: number }> {
  return placeInColumns(nodes, arrangeColumns(nodes, links, gap), gap);
}

/** The machines' ids in columns, left to right, each top to bottom. */
export function arrangeColumns(nodes: Sized[], links: Link[], gap: Gap = GAP): string[][] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const out: number[][] = nodes.map(() => []);
  const into: number[][] = nodes.map(() => []);
  for (const { from, to } of links) {
    const [a, b] = [index.get(from), index.get(to)];
    if (a === undefined || b === undefined || a === b) continue;
    out[a].push(b);
    into[b].push(a);
  }

  const component = components(out);
  const count = Math.max(-1, ...component) + 1;
  // Tarjan numbers the components sinks first, so the highest number is a source.
  const rank = new Array<number>(count).fill(0);
  const members: number[][] = Array.from({ length: count }, () => []);
  nodes.forEach((_, i) => members[component[i]].push(i));
  for (let c = count - 1; c >= 0; c--) {
    for (const i of members[c]) for (const j of out[i]) if (component[j] !== c) rank[component[j]] = Math.max(rank[component[j]], rank[c] + 1);
  }

  // Columns by rank; within one, by the mean row of the machines linking into it.
  const byRank: number[][] = [];
  for (let c = count - 1; c >= 0; c--) (byRank[rank[c]] ??= []).push(...members[c]);
  const row: (number | undefined)[] = new Array(nodes.length);
  // Columns wrap at the height that makes the whole about as wide as a screen: 16:10.
  const area = nodes.reduce((sum, n) => sum + (n.width + gap.x) * (n.height + gap.y), 0);
  const wrapAt = Math.sqrt(area / 1.6);
  const columns: number[][] = [];
  for (const ranked of byRank.filter(Boolean)) {
    const weight = (i: number) => {
      const placed = into[i].map((j) => row[j]).filter((r) => r !== undefined);
      return placed.length ? placed.reduce((sum, r) => sum + r, 0) / placed.length : 0;
    };
    const ordered = ranked.map((i) => [i, weight(i)] as const).sort((a, b) => a[1] - b[1]).map(([i]) => i);
    let column: number[] = [];
    let height = 0;
    for (const i of ordered) {
      if (column.length && height + nodes[i].height > wrapAt) {
        columns.push(column);
        [column, height] = [[], 0];
      }
      row[i] = column.length;
      column.push(i);
      height += nodes[i].height + gap.y;
    }
    columns.push(column);
  }
  return columns.map((c) => c.map((i) => nodes[i].id));
}

/** Where each machine goes, in the given columns (each centred on the tallest), at its size now. */
export function placeInColumns(nodes: Sized[], columns: string[][], gap: Gap = GAP): Map<string, { x: number; y: number }> {
  const size = new Map(nodes.map((n) => [n.id, n]));
  const heights = columns.map((c) => c.reduce((sum, id) => sum + size.get(id)!.height, 0) + gap.y * (c.length - 1));
  const tallest = Math.max(0, ...heights);
  const placed = new Map<string, { x: number; y: number }>();
  let x = 0;
  columns.forEach((column, k) => {
    let y = (tallest - heights[k]) / 2;
    for (const id of column) {
      placed.set(id, { x, y });
      y += size.get(id)!.height + gap.y;
    }
    x += Math.max(0, ...column.map((id) => size.get(id)!.width)) + gap.x;
  });
  return placed;
}

/** The columns to draw `nodes` in: those of the last drawing when it had the same machines, so a redraw moves none. */
export function stableColumns(nodes: Sized[], links: Link[], last: string[][] | undefined): string[][] {
  const ids = new Set(nodes.map((n) => n.id));
  const kept = last?.flat();
  if (kept && kept.length === ids.size && kept.every((id) => ids.has(id))) return last!;
  return arrangeColumns(nodes, links);
}

/** Strongly connected components (Tarjan, iterative): the component of each node. */
function components(out: number[][]): number[] {
  const n = out.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const component = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let found = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, next] = frame;
      if (next < out[v].length) {
        frame[1]++;
        const w = out[v][next];
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          work.push([w, 0]);
        } else if (component[w] === -1) low[v] = Math.min(low[v], order[w]);
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === order[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          component[w] = found;
        } while (w !== v);
        found++;
      }
    }
  }
  return component;
}
