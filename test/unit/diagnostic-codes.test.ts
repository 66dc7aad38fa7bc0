// The catalogue of diagnostic codes (core/diagnostic-codes.ts) is what users read: the
// `disnix.diagnostics.ignore` setting offers each code with its description, and the user
// guide's table lists each with its severity.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../core/diagnostic-codes';

const root = join(__dirname, '..', '..', '..');
const codes = Object.keys(DIAGNOSTIC_CODES) as (keyof typeof DIAGNOSTIC_CODES)[];

describe('diagnostic codes', () => {
  it('the ignore setting offers every code, described', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const items = manifest.contributes.configuration.properties['disnix.diagnostics.ignore'].items;
    assert.deepEqual(items.enum, codes);
    assert.deepEqual(items.enumDescriptions, codes.map((c) => DIAGNOSTIC_CODES[c].summary));
  });

  it("the user guide's table lists every code with its severity, and no other", () => {
    const guide = readFileSync(join(root, 'docs', 'user-guide.md'), 'utf8');
    const rows = [...guide.matchAll(/^\| `([a-z-]+)` \| (\w+) \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows, codes.map((c) => [c, DIAGNOSTIC_CODES[c].severity]));
  });
});
