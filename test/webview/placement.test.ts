// Where the graph webview puts the machines: dependents left of their dependencies, machines
// in a cycle side by side in one column, nothing overlapping, and a dense network kept square.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrangeColumns, placeMachines, stableColumns, type Link, type Sized } from '../../webview/placement';

const box = (id: string, width = 100, height = 60): Sized => ({ id, width, height });
const links = (...pairs: string[]): Link[] => pairs.map((p) => ({ from: p[0], to: p[1] }));

function overlapping(nodes: Sized[], placed: Map<string, { x: number; y: number }>): string[] {
  const found: string[] = [];
  for (const a of nodes) {
    for (const b of nodes) {
      if (a.id >= b.id) continue;
      const [p, q] = [placed.get(a.id)!, placed.get(b.id)!];
      if (p.x < q.x + b.width && q.x < p.x + a.width && p.y < q.y + b.height && q.y < p.y + a.height) found.push(`${a.id}/${b.id}`);
    }
  }
  return found;
}

describe('machine placement', () => {
  it('keeps the columns of the last drawing of the same machines, whatever new links say', () => {
    const nodes = [box('a'), box('b'), box('c')];
    const before = arrangeColumns(nodes, links('ab', 'bc'));
    assert.deepEqual(before, [['a'], ['b'], ['c']]);
    // A new service on c that a's depends on, and one on b that depends on c: ranks would change.
    assert.deepEqual(stableColumns(nodes, links('ab', 'bc', 'ca', 'cb'), before), before);
    assert.notDeepEqual(arrangeColumns(nodes, links('ab', 'bc', 'ca', 'cb')), before, 'laid out afresh, they would move');
    // Another machine: laid out afresh.
    assert.deepEqual(stableColumns([...nodes, box('d')], links('ab', 'bc', 'cd'), before), [['a'], ['b'], ['c'], ['d']]);
  });

  it('puts a machine left of the machines it depends on', () => {
    const placed = placeMachines([box('c'), box('a'), box('b')], links('ab', 'bc'));
    assert.ok(placed.get('a')!.x < placed.get('b')!.x);
    assert.ok(placed.get('b')!.x < placed.get('c')!.x);
  });

  it('keeps machines that depend on each other in one column, after their dependents', () => {
    const placed = placeMachines([box('a'), box('b'), box('c'), box('d')], links('ab', 'bc', 'cb', 'cd'));
    assert.equal(placed.get('b')!.x, placed.get('c')!.x);
    assert.ok(placed.get('a')!.x < placed.get('b')!.x);
    assert.ok(placed.get('c')!.x < placed.get('d')!.x);
    assert.notEqual(placed.get('b')!.y, placed.get('c')!.y);
  });

  it('places unconnected machines and ignores links to machines not shown', () => {
    const nodes = [box('a', 120, 300), box('b', 80, 40), box('c')];
    const placed = placeMachines(nodes, links('ax', 'aa'));
    assert.equal(placed.size, 3);
    assert.deepEqual(overlapping(nodes, placed), []);
  });

  it('wraps a densely connected network into a roughly square arrangement without overlaps', () => {
    const nodes = Array.from({ length: 100 }, (_, i) => box(`m${i}`, 150 + (i % 7) * 10, 80 + (i % 5) * 40));
    const dense: Link[] = [];
    for (let i = 0; i < 100; i++) for (const j of [i + 1, i + 7, i + 31]) dense.push({ from: `m${i}`, to: `m${j % 100}` });
    const placed = placeMachines(nodes, dense);
    assert.deepEqual(overlapping(nodes, placed), []);
    const right = Math.max(...nodes.map((n) => placed.get(n.id)!.x + n.width));
    const bottom = Math.max(...nodes.map((n) => placed.get(n.id)!.y + n.height));
    assert.ok(right / bottom < 4 && bottom / right < 4, `a ${right} by ${bottom} drawing`);
  });

  it('handles a long chain without deep recursion', () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) => box(`m${i}`));
    const chain = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id }));
    const placed = placeMachines(nodes, [...chain, { from: 'm19999', to: 'm0' }]);
    assert.equal(placed.size, 20_000);
  });
});
