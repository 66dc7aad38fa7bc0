// The coordinator profile: numbered generations, the current one, switching, and writes
// that a crash cannot leave half done.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CoordinatorError, CoordinatorProfile, defaultCoordinatorPath } from '../../core/plan/coordinator';
import { emptyManifest } from '../../core/plan/types';

const dir = () => mkdtempSync(join(tmpdir(), 'dnx-coord-'));
const manifestFor = (target: string) => emptyManifest({ [target]: { properties: { hostname: target }, containers: {}, system: 'x86_64-linux', numOfCores: 1, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' } });

describe('coordinator profile', () => {
  it('has nothing deployed at first', () => {
    const p = new CoordinatorProfile(join(dir(), 'missing'));
    assert.equal(p.read(), undefined);
    assert.deepEqual(p.generations(), []);
  });

  it('adds numbered generations, reads the current one, and switches back', () => {
    const p = new CoordinatorProfile(dir(), 'prod');
    assert.equal(p.add(manifestFor('a')), 1);
    assert.equal(p.add(manifestFor('b')), 2);
    assert.deepEqual(Object.keys(p.read()!.infrastructure), ['b']);
    assert.deepEqual(p.generations().map((g) => [g.number, g.current]), [[1, false], [2, true]]);
    p.switchTo(1);
    assert.deepEqual(Object.keys(p.read()!.infrastructure), ['a']);
    assert.equal(p.add(manifestFor('c')), 3, 'numbers keep going up after a rollback');
    assert.throws(() => p.switchTo(9), /generation 9 of profile 'prod' does not exist/);
  });

  it('keeps profiles apart in one folder', () => {
    const d = dir();
    new CoordinatorProfile(d, 'a').add(manifestFor('x'));
    assert.equal(new CoordinatorProfile(d, 'b').read(), undefined);
    assert.equal(new CoordinatorProfile(d, 'a').generations().length, 1);
  });

  it('ignores what a crashed write left behind, and leaves no temporary files itself', () => {
    const d = dir();
    const p = new CoordinatorProfile(d);
    p.add(manifestFor('a'));
    writeFileSync(join(d, '.default-2.json.4242.tmp'), '{"version": 2, "serv');
    assert.deepEqual(p.generations().map((g) => g.number), [1]);
    assert.deepEqual(Object.keys(p.read()!.infrastructure), ['a']);
    p.add(manifestFor('b'));
    assert.deepEqual(readdirSync(d).filter((n) => !n.startsWith('.')).sort(), ['default', 'default-1.json', 'default-2.json']);
  });

  it('says which file is broken instead of reading garbage', () => {
    const d = dir();
    const p = new CoordinatorProfile(d);
    p.add(manifestFor('a'));
    writeFileSync(join(d, 'default-1.json'), 'garbage');
    assert.throws(() => p.read(), (e: Error) => e instanceof CoordinatorError && e.message.includes('default-1.json is not a manifest'));
  });

  it('refuses profile names that are paths', () => {
    assert.throws(() => new CoordinatorProfile(dir(), '../x'), /invalid profile name/);
  });

  it('lives under the XDG state folder by default', () => {
    assert.equal(defaultCoordinatorPath({ XDG_STATE_HOME: '/s' }), '/s/dnx/coordinator');
    assert.match(defaultCoordinatorPath({}), /\.local\/state\/dnx\/coordinator$/);
  });
});
