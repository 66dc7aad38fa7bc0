import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { hover } from '../../core/ide/hover';
import { RenameError, definition, prepareRename, references, rename } from '../../core/ide/navigation';
import { foldingRanges, outline } from '../../core/ide/outline';
import { semanticTokens } from '../../core/ide/semantic-tokens';
import { textAt } from '../../core/ide/state';
import type { Loc } from '../../core/nix/source';
import { ready } from '../helpers';
import { applyEdits, fixture, withCursor } from './fixture';

const where = (loc: Loc) => `${loc.source.path.replace('/project/', '')}:${loc.source.position(loc.start).line + 1}:${textAt(loc)}`;

describe('definition and references', () => {
  before(() => ready);

  it('goes from a distribution key to the service definition', () => {
    const f = fixture(withCursor('distribution.nix', 'HelloWorldService ='));
    assert.deepEqual(definition(f.state, f.path, f.offset).map(where), ['services.nix:16:HelloWorldService']);
  });

  it('goes from infrastructure.test2 to the target', () => {
    const f = fixture(withCursor('distribution.nix', 'test2 ]'));
    assert.deepEqual(definition(f.state, f.path, f.offset).map(where), ['infrastructure.nix:11:test2']);
  });

  it('goes from inherit in dependsOn to the service', () => {
    const f = fixture(withCursor('services.nix', 'inherit HelloService', 'inherit <|>HelloService'));
    assert.deepEqual(definition(f.state, f.path, f.offset).map(where), ['services.nix:9:HelloService']);
  });

  it('finds every reference to a service across the files, with or without its definition', () => {
    const f = fixture(withCursor('services.nix', 'HelloService = {'));
    assert.deepEqual(references(f.state, f.path, f.offset, false).map(where), ['distribution.nix:4:HelloService', 'services.nix:10:HelloService', 'services.nix:20:HelloService']);
    assert.equal(references(f.state, f.path, f.offset, true).length, 4);
  });

  it('finds the mappings to a target', () => {
    const f = fixture(withCursor('infrastructure.nix', 'test1 = {'));
    assert.deepEqual(references(f.state, f.path, f.offset, false).map(where), ['distribution.nix:4:test1', 'distribution.nix:6:test1']);
  });

  it('finds nothing on other text', () => {
    const f = fixture(withCursor('services.nix', 'customPkgs.HelloService'));
    assert.deepEqual(definition(f.state, f.path, f.offset), []);
  });
});

describe('rename', () => {
  before(() => ready);

  it('renames a service in the services model, its name string, dependsOn and the distribution', () => {
    const f = fixture(withCursor('services.nix', 'HelloService = {'));
    assert.equal(prepareRename(f.state, f.path, f.offset)?.placeholder, 'HelloService');
    const changed = applyEdits(f, rename(f.state, f.path, f.offset, 'GreetingService'));
    assert.match(changed['services.nix'], /GreetingService = \{\n    name = "GreetingService";/);
    assert.match(changed['services.nix'], /inherit GreetingService;/);
    assert.doesNotMatch(changed['services.nix'], /inherit HelloService|"HelloService"|^  HelloService/m);
    assert.match(changed['services.nix'], /customPkgs\.HelloService/, 'the package set is not the model');
    assert.match(changed['distribution.nix'], /GreetingService = \[ infrastructure\.test1 \];/);
    // The renamed models are still a valid deployment.
    const after = fixture(changed);
    assert.deepEqual(after.state.analysis.diagnostics.map((d) => d.message), []);
  });

  it('renames a target in the infrastructure and distribution models', () => {
    const f = fixture(withCursor('distribution.nix', 'test1 ];'));
    const changed = applyEdits(f, rename(f.state, f.path, f.offset, 'web1'));
    assert.match(changed['infrastructure.nix'], /^  web1 = \{/m);
    assert.equal(changed['distribution.nix'].match(/infrastructure\.web1/g)?.length, 2);
    assert.deepEqual(fixture(changed).state.analysis.diagnostics, []);
  });

  it('refuses names that are not identifiers or are taken', () => {
    const f = fixture(withCursor('services.nix', 'HelloService = {'));
    assert.throws(() => rename(f.state, f.path, f.offset, 'hello world'), RenameError);
    assert.throws(() => rename(f.state, f.path, f.offset, 'HelloWorld'), /already a service called 'HelloWorld'/);
    const g = fixture(withCursor('services.nix', 'customPkgs.HelloService'));
    assert.equal(prepareRename(g.state, g.path, g.offset), undefined);
  });
});

describe('hover', () => {
  before(() => ready);

  it('shows where a service is deployed, what it depends on and what uses it', () => {
    const f = fixture(withCursor('services.nix', 'HelloWorldService = {'));
    const h = hover(f.state, f.path, f.role, f.offset)!;
    assert.match(h.contents, /type `process`/);
    assert.match(h.contents, /Deployed to: `test2`/);
    assert.match(h.contents, /Depends on: `HelloService`/);
    assert.match(h.contents, /Used by: `HelloWorld`/);
  });

  it('shows a target with its resolved properties and its services', () => {
    const f = fixture(withCursor('distribution.nix', 'test2 ]'));
    const h = hover(f.state, f.path, f.role, f.offset)!;
    assert.match(h.contents, /\| hostname \| `"test2"` \|/);
    assert.match(h.contents, /\| numOfCores \| `2` \|/);
    assert.match(h.contents, /Containers: `mysql-database`, `process`/);
    assert.match(h.contents, /Services: `HelloWorldService`/);
  });

  it('documents model attributes from the schema, and Dysnomia types', () => {
    const f = fixture(withCursor('services.nix', 'dependsOn'));
    assert.match(hover(f.state, f.path, f.role, f.offset)!.contents, /\*\*dependsOn\*\* \(service attribute\)/);
    const g = fixture(withCursor('infrastructure.nix', 'numOfCores'));
    assert.match(hover(g.state, g.path, g.role, g.offset)!.contents, /default: 1/);
    const t = fixture(withCursor('services.nix', 'process";'));
    assert.match(hover(t.state, t.path, t.role, t.offset)!.contents, /Dysnomia module.*daemon/);
  });
});

describe('outline, folding and semantic tokens', () => {
  before(() => ready);

  it('lists services with their attributes, and targets', () => {
    const f = fixture();
    const services = outline(f.state, '/project/services.nix', 'services');
    assert.deepEqual(services.map((s) => `${s.kind} ${s.name}`), ['service HelloService', 'service HelloWorldService', 'service HelloWorld']);
    assert.deepEqual(services[0].children.map((c) => c.name), ['name', 'pkg', 'type', 'port']);
    assert.deepEqual(outline(f.state, '/project/infrastructure.nix', 'infrastructure').map((s) => s.name), ['test1', 'test2']);
  });

  it('folds multi-line sets', () => {
    const f = fixture();
    const text = f.files.get('/project/services.nix')!;
    const folds = foldingRanges(f.state, '/project/services.nix').map((s) => text.slice(s.start, s.end).split('\n')[0]);
    assert.ok(folds.includes('rec {') && folds.includes('{'));
    assert.equal(folds.length, 7, 'the top set, three services, two dependsOn and the let');
  });

  it('marks service and target names, definitions apart', () => {
    const f = fixture();
    const tokens = semanticTokens(f.state, '/project/distribution.nix');
    const text = f.files.get('/project/distribution.nix')!;
    assert.deepEqual(tokens.map((t) => `${t.type}:${text.slice(t.start, t.end)}`), [
      'service:HelloService', 'target:test1', 'service:HelloWorldService', 'target:test2', 'service:HelloWorld', 'target:test1',
    ]);
    assert.ok(semanticTokens(f.state, '/project/infrastructure.nix').every((t) => t.declaration));
  });
});
