// The examples validate clean; the broken copies under broken/ give exactly the diagnostics
// in their expected.txt (the `dnx validate` lines, paths relative to the case). A broken copy
// holds only the files it changes; the rest come from the example its `example` file names.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyseDeployment } from '../../core/model/analyse';
import { formatDiagnostic } from '../../core/nix/diagnostic';
import { ready } from '../helpers';

before(() => ready);

const root = join(__dirname, '..', '..', '..');
const examples = join(root, 'examples');
const broken = join(root, 'test', 'model', 'broken');

const variants: [string, string, string, string][] = [
  ['hello-world', 'services.nix', 'infrastructure.nix', 'distribution.nix'],
  ['hello-world', 'services-composition.nix', 'infrastructure.nix', 'distribution-composition.nix'],
  ['hello-world', 'services.nix', 'infrastructure.nix', 'distribution-loadbalancing.nix'],
  ['hello-world', 'services-cyclic.nix', 'infrastructure.nix', 'distribution-cyclic.nix'],
  ['staff-tracker', 'services.nix', 'infrastructure.nix', 'distribution.nix'],
  ['staff-tracker', 'services-with-containers.nix', 'infrastructure-bare.nix', 'distribution-with-containers.nix'],
  ['tcp-proxy', 'services.nix', 'infrastructure.nix', 'distribution.nix'],
];

describe('examples validate clean', () => {
  for (const [dir, s, i, d] of variants) {
    it(`${dir}: ${s} ${i} ${d}`, () => {
      const at = (f: string) => join(examples, dir, f);
      const { diagnostics, model } = analyseDeployment({ services: at(s), infrastructure: at(i), distribution: at(d) });
      assert.deepEqual(diagnostics.map((x) => formatDiagnostic(x, join(examples, dir))), []);
      assert.ok(model.services.size > 0 && model.infrastructure.size > 0 && model.distribution.size > 0);
    });
  }
});

describe('broken models give their expected diagnostics', () => {
  for (const name of readdirSync(broken)) {
    it(name, () => {
      const dir = join(broken, name);
      const example = join(examples, readFileSync(join(dir, 'example'), 'utf8').trim());
      const at = (f: string) => (existsSync(join(dir, f)) ? join(dir, f) : join(example, f));
      const { diagnostics } = analyseDeployment({ services: at('services.nix'), infrastructure: at('infrastructure.nix'), distribution: at('distribution.nix') });
      const actual = diagnostics.map((d) => formatDiagnostic(d, dir)).join('\n') + '\n';
      // DNX_UPDATE_EXPECTED=1 rewrites the expectations; review the diff before committing.
      if (process.env.DNX_UPDATE_EXPECTED) writeFileSync(join(dir, 'expected.txt'), actual);
      assert.equal(actual, readFileSync(join(dir, 'expected.txt'), 'utf8'));
    });
  }
});
