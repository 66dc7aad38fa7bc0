// Agreement with Nix: every corpus case must print what nix-instantiate printed, or fail with
// the same kind of error at the same place.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { initParser } from '../../core/nix/parser';
import { runCase, difference } from './compare';
import { caseEnv, loadCases, materialise, readExpected } from './corpus';

const cases = loadCases();
const expected = readExpected();
const dir = materialise(cases);
const env = caseEnv(dir);
Object.assign(process.env, env);
const nixPath = [env.NIX_PATH];

/**
 * Cases where Nix 2.8 reports an error at a place tree-sitter's tree cannot reproduce; the
 * kind of error must still agree. Nix's position is the one in the comment.
 */
const positionDiffers = new Map([
  ['attrsets-024', 'Nix points at the whitespace before `inherit (s) b`; we point at `b`'],
  ['errors-024', "Nix points at getAttr's set argument; we point at the call"],
  ['indented-013', 'Nix points at the token after the closing `\'\'`; we point where the string should have ended'],
  ['indented-015', 'as indented-013'],
  ['attrsets-049', 'Nix points at the start of the `let`; we point at the dynamic name'],
  ['functions-040', 'Nix points at the second comma of `a,,`; tree-sitter takes the first for the stray one'],
  ['errors-043', 'Nix points at the `;` after `[ 1 2`; we point at the `[` that is not closed'],
  ['errors-044', 'Nix points at the second `{`; we point at the first, which is not closed'],
]);

describe(`conformance with ${expected.nixVersion}`, () => {
  before(() => initParser());
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has a recording for every case', () => {
    const missing = cases.filter((c) => !(c.id in expected.results)).map((c) => c.id);
    assert.deepEqual(missing, [], 'run npm run test:conformance:record');
  });

  for (const c of cases) {
    it(`${c.id}: ${c.text.split('\n')[0].slice(0, 60)}`, () => {
      const want = expected.results[c.id];
      if (!want) return;
      const got = runCase(c, dir, nixPath);
      if (positionDiffers.has(c.id) && 'error' in want && 'error' in got) {
        assert.equal(got.error.kind, want.error.kind, c.text);
        return;
      }
      const diff = difference(want, got);
      assert.equal(diff, undefined, `${c.text}\n${diff}`);
    });
  }
});
