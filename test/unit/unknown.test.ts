// Values nobody can know while editing (search paths, missing secrets, store builds) must
// spread without errors, and must never be printed as if known.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { evalJson, ready } from '../helpers';

describe('unknown values', () => {
  before(() => ready);

  it('a search path that is not set is unknown, not an error', () => {
    assert.equal(evalJson('<nixpkgs>'), '<unknown>');
  });

  it('spread through selection, calls, with, if and interpolation', () => {
    assert.equal(evalJson('(import <nixpkgs> { }).hello'), '<unknown>');
    assert.equal(evalJson('let pkgs = import <nixpkgs> { }; in with pkgs; stdenv.mkDerivation { name = "x"; }'), '<unknown>');
    assert.equal(evalJson('if (import <nixpkgs> { }).lib.isLinux then 1 else 2'), '<unknown>');
    assert.equal(evalJson('"${(import <nixpkgs> { }).hello}/bin/hello"'), '<unknown>');
    assert.equal(evalJson('builtins.length (import <nixpkgs> { }).list'), '<unknown>');
  });

  it('stay inside the value that needs them', () => {
    const model = `
      { system ? builtins.currentSystem, pkgs ? import <nixpkgs> { inherit system; } }:
      rec {
        web = { name = "web"; pkg = pkgs.callPackage ./web { }; dependsOn = { inherit db; }; type = "process"; };
        db = { name = "db"; pkg = pkgs.postgresql; type = "postgresql-database"; };
      }`;
    const json = evalJson(`builtins.mapAttrs (n: s: { inherit (s) name type; deps = builtins.attrNames (s.dependsOn or { }); }) ((${model}) { })`);
    assert.equal(json, '{"db":{"deps":[],"name":"db","type":"postgresql-database"},"web":{"deps":["db"],"name":"web","type":"process"}}');
  });

  it('a secret read from a missing file is unknown', () => {
    assert.equal(evalJson('builtins.readFile ./secrets/db-password'), '<unknown>');
    assert.equal(evalJson('{ password = builtins.readFile ./missing; user = "admin"; }.user'), '"admin"');
  });

  it('known parts of a comparison with an unknown stay decided', () => {
    assert.equal(evalJson('false && (import <nixpkgs> { }).x'), 'false');
    assert.equal(evalJson('true || (import <nixpkgs> { }).x'), 'true');
  });
});

describe('laziness', () => {
  before(() => ready);

  it('never forces what is not needed', () => {
    assert.equal(evalJson('let customPkgs = throw "boom"; svc = { name = "a"; pkg = customPkgs.foo; }; in svc.name'), '"a"');
  });

  it('forces a thunk at most once', () => {
    const traces: string[] = [];
    evalJson('let x = builtins.trace "forced" 1; in x + x + x', { onTrace: (m) => traces.push(m) });
    assert.deepEqual(traces, ['forced']);
  });
});
