// The corridor above the machines: edges between columns far apart share a level there where
// their stretches do not overlap, so the corridor stays as low as it can.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corridorLevels, routeAcross } from '../../webview/routing';

describe('corridor levels', () => {
  it('gives overlapping stretches levels of their own and lets the others share', () => {
    // 0 and 1 overlap; 2 starts after 0 ends; 3 stays in its gap; 4 overlaps all of 0..2.
    const levels = corridorLevels([[0, 10], [5, 20], [12, 30], undefined, [0, 40]]);
    assert.notEqual(levels[0], levels[1]);
    assert.equal(levels[2], levels[0]);
    assert.equal(levels[3], -1);
    assert.equal(new Set([levels[0], levels[1], levels[4]]).size, 3);
    assert.equal(Math.max(...levels) + 1, 3, 'as few levels as the most stretches over one point');
  });

  it('routes an edge to a column further away over the machines, and one to the next column through the gap between', () => {
    const columns = [{ left: 0, right: 100 }, { left: 180, right: 280 }, { left: 360, right: 460 }];
    const [far, near] = routeAcross(
      [
        { from: { x: 100, y: 50 }, to: { x: 360, y: 70 }, fromColumn: 0, toColumn: 2 },
        { from: { x: 100, y: 60 }, to: { x: 180, y: 90 }, fromColumn: 0, toColumn: 1 },
      ],
      columns,
      0,
    );
    assert.ok(far.some((p) => p.y < 0), 'above the machines');
    // The middle column spans 180..280 from the top (0) down.
    const overMiddle = far.slice(1).some((p, i) => Math.max(p.x, far[i].x) > 180 && Math.min(p.x, far[i].x) < 280 && Math.max(p.y, far[i].y) >= 0);
    assert.ok(!overMiddle, 'never over the middle column');
    assert.equal(near.length, 4);
    assert.ok(near.every((p) => p.y >= 0));
    assert.ok(near[1].x > 100 && near[1].x < 180, 'in the gap');
  });
});
