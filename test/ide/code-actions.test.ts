import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { quickFixes } from '../../core/ide/code-actions';
import { ready } from '../helpers';
import { applyEdits, fixture, read } from './fixture';

/** The fixes offered at the whole file, applied one by one: title to the files they produce. */
function fixes(overrides: Record<string, string>, file: string) {
  const f = fixture(overrides);
  const path = `/project/${file}`;
  return quickFixes(f.state, path, 0, f.files.get(path)!.length).map((q) => ({ title: q.title, code: q.diagnostic.code, after: { ...overrides, ...applyEdits(f, q.edits) } }));
}

const codes = (files: Record<string, string>) => fixture(files).state.analysis.diagnostics.map((d) => d.code);

describe('quick fixes', () => {
  before(() => ready);

  it('deploys a service that is not in the distribution', () => {
    const dist = read('distribution.nix').replace('  HelloWorld = [ infrastructure.test1 ];\n', '');
    const [fix] = fixes({ 'distribution.nix': dist }, 'services.nix');
    assert.equal(fix.title, "Deploy 'HelloWorld' to 'test1'");
    assert.match(fix.after['distribution.nix'], /  HelloWorldService = \[ infrastructure\.test2 \];\n  HelloWorld = \[ infrastructure\.test1 \];\n\}/);
    assert.deepEqual(codes(fix.after), []);
  });

  it('reaches two targets at one address (VirtualBox NAT) by the property that tells them apart', () => {
    const infra = read('infrastructure.nix')
      .replace('hostname = "test1";', 'hostname = "10.0.2.2";\n      sshTarget = "localhost:2222";')
      .replace('hostname = "test2";', 'hostname = "10.0.2.2";\n      sshTarget = "localhost:2223";');
    assert.deepEqual(codes({ 'infrastructure.nix': infra }), ['duplicate-target-address']);
    const fix = fixes({ 'infrastructure.nix': infra }, 'infrastructure.nix').find((f) => f.code === 'duplicate-target-address')!;
    assert.equal(fix.title, "Reach 'test1' and 'test2' by their sshTarget (targetProperty)");
    assert.equal((fix.after['infrastructure.nix'].match(/^    targetProperty = "sshTarget";$/gm) ?? []).length, 2);
    assert.deepEqual(codes(fix.after), []);
  });

  it('creates a missing target', () => {
    const dist = read('distribution.nix').replace('HelloWorld = [ infrastructure.test1 ]', 'HelloWorld = [ infrastructure.test3 ]');
    const all = fixes({ 'distribution.nix': dist }, 'distribution.nix');
    const fix = all.find((f) => f.title === "Add target 'test3' to the infrastructure model")!;
    assert.match(fix.after['infrastructure.nix'], /  test3 = \{\n    properties\.hostname = "test3";\n  \};\n\}\n$/);
    assert.deepEqual(codes(fix.after), []);
  });

  it('replaces a misspelt target, service, attribute or type with the known one', () => {
    const typo = (file: string, from: string, to: string) => {
      const files = { [file]: read(file).replace(from, to) };
      const fix = fixes(files, file).find((f) => f.title.startsWith('Change to'))!;
      assert.ok(fix, `a fix for ${to}`);
      assert.deepEqual(codes(fix.after), [], fix.title);
      return fix.title;
    };
    assert.equal(typo('distribution.nix', 'infrastructure.test2', 'infrastructure.tset2'), "Change to 'test2'");
    assert.equal(typo('services.nix', 'type = "process";\n    port = 8081', 'type = "proces";\n    port = 8081'), "Change to 'process'");
    assert.equal(typo('services.nix', 'dependsOn = {\n      inherit HelloService;', 'dependOn = {\n      inherit HelloService;'), "Change to 'dependsOn'");
  });

  it('sets a name that differs from the attribute name', () => {
    const services = read('services.nix').replace('name = "HelloService"', 'name = "Hello"');
    const [fix] = fixes({ 'services.nix': services }, 'services.nix');
    assert.equal(fix.title, 'Set the name to "HelloService"');
    assert.deepEqual(codes(fix.after), []);
  });

  it('fixes a mistake in a helper function\'s argument at the call, and one in the helper in its body', () => {
    const services = `{ system, pkgs, distribution, invDistribution }:
let
  customPkgs = import ./pkgs { inherit system pkgs; };
  process = name: deps: {
    inherit name;
    pkg = customPkgs.\${name};
    dependsOn = deps;
    type = "proces";
  };
in
rec {
  HelloService = process "HelloServce" { };
  HelloWorldService = process "HelloWorldService" { inherit HelloService; };
  HelloWorld = process "HelloWorld" { inherit HelloWorldService; };
}
`;
    const all = fixes({ 'services.nix': services }, 'services.nix');
    const name = all.find((f) => f.code === 'name-mismatch')!;
    assert.equal(name.title, 'Set the name to "HelloService"');
    assert.match(name.after['services.nix'], /HelloService = process "HelloService" \{ \};/);
    const type = all.find((f) => f.code === 'unknown-type')!;
    assert.equal(type.title, "Change to 'process'");
    assert.match(type.after['services.nix'], /    type = "process";\n/);
    assert.deepEqual(codes({ 'services.nix': type.after['services.nix'].replace('"HelloServce"', '"HelloService"') }), []);
  });

  it('corrects a misspelt variable to the name in scope', () => {
    const services = read('services.nix').replace('inherit HelloService;', 'HelloService = HeloService;');
    assert.deepEqual(codes({ 'services.nix': services }), ['undefined-variable']);
    const fix = fixes({ 'services.nix': services }, 'services.nix').find((f) => f.code === 'undefined-variable')!;
    assert.equal(fix.title, "Change to 'HelloService'");
    assert.deepEqual(codes(fix.after), []);
  });

  it('offers every candidate at the smallest distance, none preferred', () => {
    const infra = read('infrastructure.nix').replace(/\}\s*$/, '  test3 = { properties.hostname = "test3"; };\n}\n');
    const dist = read('distribution.nix').replace('infrastructure.test2', 'infrastructure.test');
    const all = fixes({ 'infrastructure.nix': infra, 'distribution.nix': dist }, 'distribution.nix').filter((f) => f.title.startsWith('Change to'));
    assert.deepEqual(all.map((f) => f.title), ["Change to 'test1'", "Change to 'test2'", "Change to 'test3'"]);
    const f = fixture({ 'infrastructure.nix': infra, 'distribution.nix': dist });
    assert.deepEqual(quickFixes(f.state, '/project/distribution.nix', 0, dist.length).filter((q) => q.title.startsWith('Change to')).map((q) => q.preferred), [false, false, false]);
  });

  it('adds the missing name of a service', () => {
    const services = read('services.nix').replace('    name = "HelloService";\n', '');
    const fix = fixes({ 'services.nix': services }, 'services.nix').find((f) => f.code === 'name-missing')!;
    assert.equal(fix.title, 'Add name = "HelloService"');
    assert.deepEqual(codes(fix.after), []);
  });

  it('declares a container a mapping names, or deploys to one the target has', () => {
    const mapped = (target: string) => read('distribution.nix').replace(`HelloWorldService = [ infrastructure.test2 ];`, `HelloWorldService = { targets = [ { target = infrastructure.${target}; container = "proces"; } ]; };`);
    // test2 writes its containers as a set; test1 as `containers.process = { };`.
    const onTest2 = fixes({ 'distribution.nix': mapped('test2') }, 'distribution.nix').filter((f) => f.code === 'unknown-container');
    assert.deepEqual(onTest2.map((f) => f.title), ["Declare container 'proces' on 'test2'", "Deploy to container 'mysql-database'", "Deploy to container 'process'"]);
    for (const f of onTest2) assert.deepEqual(codes(f.after), [], f.title);
    assert.match(onTest2[0].after['infrastructure.nix'], /\n      proces = \{ \};\n    \};/);
    const onTest1 = fixes({ 'distribution.nix': mapped('test1') }, 'distribution.nix').find((f) => f.code === 'unknown-container')!;
    assert.deepEqual(codes(onTest1.after), [], onTest1.after['infrastructure.nix']);
  });

  it('inserts the one missing `;` or closing bracket of a syntax error', () => {
    const semicolon = read('distribution.nix').replace('HelloService = [ infrastructure.test1 ];', 'HelloService = [ infrastructure.test1 ]');
    const [insert] = fixes({ 'distribution.nix': semicolon }, 'distribution.nix');
    assert.equal(insert.title, 'Insert `;`');
    assert.deepEqual(codes(insert.after), []);
    const bracket = read('distribution.nix').replace('HelloWorld = [ infrastructure.test1 ];', 'HelloWorld = [ infrastructure.test1\n');
    const [close] = fixes({ 'distribution.nix': bracket }, 'distribution.nix');
    assert.equal(close.title, 'Insert `];`');
    assert.deepEqual(codes(close.after), []);
  });

  it('removes the mapping of a service that does not exist, line and all', () => {
    const dist = read('distribution.nix').replace(/\}\n$/, '  Gone = [ infrastructure.test1 ];\n}\n');
    const fix = fixes({ 'distribution.nix': dist }, 'distribution.nix').find((f) => f.title === "Remove the mapping of 'Gone'")!;
    assert.equal(fix.after['distribution.nix'], read('distribution.nix'));
  });
});
