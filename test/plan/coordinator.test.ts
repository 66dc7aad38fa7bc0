// The coordinator profile: numbered generations, the current one, switching, and writes
// that a crash cannot leave half done.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CoordinatorError, CoordinatorProfile, defaultCoordinatorPath } from '../../core/plan/coordinator';
import { manifestToXml } from '../../core/plan/manifest-xml';
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

  it("reads Disnix's generations (links to its manifest XML), and goes on with generations of its own", () => {
    const d = dir();
    // As disnix-env leaves it: default-N-link to the manifest in the Nix store, default to the current link.
    const store = mkdtempSync(join(tmpdir(), 'dnx-store-'));
    writeFileSync(join(store, 'manifest-1.xml'), manifestToXml(manifestFor('a')));
    mkdirSync(join(store, 'manifest-2'));
    writeFileSync(join(store, 'manifest-2', 'manifest.xml'), manifestToXml(manifestFor('b')));
    symlinkSync(join(store, 'manifest-1.xml'), join(d, 'default-1-link'));
    symlinkSync(join(store, 'manifest-2'), join(d, 'default-2-link'));
    symlinkSync('default-2-link', join(d, 'default'));
    const p = new CoordinatorProfile(d, 'default');
    assert.deepEqual(p.generations().map((g) => [g.number, g.current]), [[1, false], [2, true]]);
    assert.deepEqual(Object.keys(p.read()!.infrastructure), ['b']);
    assert.deepEqual(Object.keys(p.read(1)!.infrastructure), ['a']);
    assert.equal(p.add(manifestFor('c')), 3);
    assert.deepEqual(Object.keys(p.read()!.infrastructure), ['c']);
    p.switchTo(1);
    assert.deepEqual(Object.keys(p.read()!.infrastructure), ['a']);
  });

  it("reads what Disnix deployed until it has a generation of its own", () => {
    const disnix = dir();
    writeFileSync(join(disnix, 'm.xml'), manifestToXml(manifestFor('a')));
    symlinkSync(join(disnix, 'm.xml'), join(disnix, 'default-7-link'));
    symlinkSync('default-7-link', join(disnix, 'default'));
    const ours = new CoordinatorProfile(join(dir(), 'ours'), 'default', new CoordinatorProfile(disnix, 'default'));
    assert.deepEqual(Object.keys(ours.read()!.infrastructure), ['a']);
    assert.equal(ours.describeCurrent(), `generation 7 of profile 'default' as Disnix deployed it (${disnix})`);
    ours.add(manifestFor('b'));
    assert.deepEqual(Object.keys(ours.read()!.infrastructure), ['b']);
    assert.equal(ours.describeCurrent(), "generation 1 of profile 'default'");
  });
});
