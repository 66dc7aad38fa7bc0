import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { complete } from '../../core/ide/completion';
import { ready } from '../helpers';
import { fixture, read, withCursor } from './fixture';

const labels = (overrides: Record<string, string>) => {
  const f = fixture(overrides);
  return complete(f.state, f.path, f.role, f.offset).items.map((i) => i.label);
};

describe('completion', () => {
  before(() => ready);

  it('offers the other services inside dependsOn, as inherit statements, not those listed already', () => {
    const f = fixture(withCursor('services.nix', 'inherit HelloWorldService;', '<|>'));
    const c = complete(f.state, f.path, f.role, f.offset);
    assert.deepEqual(c.items.map((i) => i.label).sort(), ['HelloService', 'HelloWorldService']);
    assert.equal(c.items.find((i) => i.label === 'HelloService')!.insertText, 'inherit HelloService;');
    const listed = fixture(withCursor('services.nix', 'inherit HelloWorldService;', 'inherit HelloWorldService;\n      <|>'));
    assert.deepEqual(complete(listed.state, listed.path, listed.role, listed.offset).items.map((i) => i.label), ['HelloService']);
  });

  it('opens by itself after `inherit ` and `dependsOn = {`, and nowhere else a space or brace is typed', () => {
    const afterInherit = fixture({ 'services.nix': read('services.nix').replace('port = 8080;', 'connectsTo = { inherit <|>\n    };') });
    const items = complete(afterInherit.state, afterInherit.path, afterInherit.role, afterInherit.offset, ' ').items;
    assert.ok(items.some((i) => i.label === 'HelloService'));
    assert.ok(items.every((i) => i.insertText?.endsWith(';')), 'the name ends the statement: `;` follows');
    const afterBrace = fixture({ 'services.nix': read('services.nix').replace('port = 8080;', 'connectsTo = {<|>};') });
    assert.ok(complete(afterBrace.state, afterBrace.path, afterBrace.role, afterBrace.offset, '{').items.some((i) => i.insertText === 'inherit HelloService;'));
    for (const [text, trigger] of [[read('services.nix').replace('port = 8080;', 'port = 8080; <|>'), ' '], [read('services.nix').replace('port = 8080;', 'x = {<|>};'), '{']] as const) {
      const f = fixture({ 'services.nix': text });
      assert.deepEqual(complete(f.state, f.path, f.role, f.offset, trigger).items, [], `${trigger} in ${text.slice(f.offset - 20, f.offset)}`);
    }
  });

  it('writes a distribution entry with the cursor where the target goes', () => {
    const f = fixture({ 'distribution.nix': read('distribution.nix').replace('  HelloWorld = [ infrastructure.test1 ];\n', '  Hello<|>\n') });
    const item = complete(f.state, f.path, f.role, f.offset).items.find((i) => i.label === 'HelloWorld')!;
    assert.deepEqual([item.insertText, item.snippet, item.retrigger], ['HelloWorld = [ infrastructure.$1 ];$0', true, true]);
  });

  it('ranks first the types some target declares as a container', () => {
    const f = fixture({ 'services.nix': read('services.nix').replace('type = "process";\n    port = 8081', 'type = "<|>";\n    port = 8081') });
    const items = complete(f.state, f.path, f.role, f.offset).items.sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.deepEqual(items.slice(0, 2).map((i) => i.label).sort(), ['mysql-database', 'process']);
  });

  it('offers services after inherit in connectsTo, with the typed prefix replaced', () => {
    const text = read('services.nix').replace('port = 8080;', 'connectsTo = { inherit Hel<|> };');
    const f = fixture({ 'services.nix': text });
    const c = complete(f.state, f.path, f.role, f.offset);
    assert.ok(c.items.some((i) => i.label === 'HelloService' && i.insertText === 'HelloService;'), 'the `;` the set needs before its `}`');
    assert.equal(f.files.get(f.path)!.slice(c.replaceStart, c.replaceEnd), 'Hel');
  });

  it('offers targets after infrastructure.', () => {
    assert.deepEqual(labels(withCursor('distribution.nix', 'test2 ]', '<|> ]')), ['test1', 'test2']);
  });

  it('offers services as distribution keys, those not yet mapped first', () => {
    const text = read('distribution.nix').replace('  HelloWorld = [ infrastructure.test1 ];\n', '  <|>\n');
    const f = fixture({ 'distribution.nix': text });
    const items = complete(f.state, f.path, f.role, f.offset).items.sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.equal(items[0].label, 'HelloWorld');
    assert.deepEqual(items.map((i) => i.kind), ['service', 'service', 'service', 'snippet']);
  });

  it('offers the service attributes Disnix knows, with their documentation, minus those written', () => {
    const f = fixture(withCursor('services.nix', 'port = 8081;', '<|>'));
    const items = complete(f.state, f.path, f.role, f.offset).items;
    const names = items.map((i) => i.label);
    assert.ok(names.includes('dependsOn') && names.includes('deployState') && names.includes('providesContainers'));
    assert.ok(!names.includes('name') && !names.includes('type'), 'name and type are already there');
    assert.match(items.find((i) => i.label === 'dependsOn')!.documentation!, /Inter-dependencies/);
  });

  it('offers target attributes in the infrastructure model, and property names inside properties', () => {
    assert.ok(labels(withCursor('infrastructure.nix', 'system = "x86_64-linux";\n  };\n\n  test2', '<|>')).includes('numOfCores'));
    assert.deepEqual(labels(withCursor('infrastructure.nix', 'hostname = "test1";', '<|>')), ['hostname']);
  });

  it('offers Dysnomia types inside a type string, and quoted after type =', () => {
    const names = labels(withCursor('services.nix', 'process";\n    port = 8081', '<|>process";\n    port = 8081'));
    assert.ok(names.includes('process') && names.includes('mysql-database') && names.includes('wrapper'));
    const f = fixture(withCursor('services.nix', 'type = "process";\n    port = 8081', 'type = <|>\n    port = 8081'));
    const item = complete(f.state, f.path, f.role, f.offset).items.find((i) => i.label === 'wrapper');
    assert.equal(item?.insertText, '"wrapper"');
  });

  it('offers the containers of the target a mapping names', () => {
    const text = read('distribution.nix').replace('HelloWorldService = [ infrastructure.test2 ];', 'HelloWorldService = { targets = [ { target = infrastructure.test2; container = "<|>"; } ]; };');
    assert.deepEqual(labels({ 'distribution.nix': text }).sort(), ['mysql-database', 'process']);
    const keys = read('distribution.nix').replace('HelloWorldService = [ infrastructure.test2 ];', 'HelloWorldService = { targets = [ { target = infrastructure.test2; <|> } ]; };');
    assert.deepEqual(labels({ 'distribution.nix': keys }), ['container']);
  });

  it('offers what the schema names for a value: client interfaces, the target\'s own properties', () => {
    const at = (line: string) => read('infrastructure.nix').replace('system = "x86_64-linux";\n  };\n\n  test2', `${line}\n    system = "x86_64-linux";\n  };\n\n  test2`);
    assert.deepEqual(labels({ 'infrastructure.nix': at('clientInterface = "<|>";') }), ['disnix-ssh-client', 'disnix-soap-client', 'disnix-client']);
    assert.deepEqual(labels({ 'infrastructure.nix': at('targetProperty = "<|>";') }), ['hostname']);
    assert.deepEqual(labels({ 'infrastructure.nix': at('numOfCores = "<|>";') }), [], 'an attribute without a completion source');
  });

  it('offers nothing inside comments', () => {
    assert.deepEqual(labels(withCursor('services.nix', 'the front end', 'the <|>front end')), []);
  });

  it('offers entry snippets only where an entry can start, and a whole model in an empty file', () => {
    const snippets = (overrides: Record<string, string>) => {
      const f = fixture(overrides);
      return complete(f.state, f.path, f.role, f.offset).items.filter((i) => i.kind === 'snippet').map((i) => i.label);
    };
    assert.deepEqual(snippets({ 'services.nix': read('services.nix').replace('rec {', 'rec {\n  <|>') }), ['service']);
    assert.deepEqual(snippets({ 'infrastructure.nix': read('infrastructure.nix').replace(/\}\s*$/, '  <|>\n}\n') }), ['target']);
    assert.deepEqual(snippets(withCursor('services.nix', 'inherit HelloWorldService;', '<|>')), [], 'not inside dependsOn');
    assert.deepEqual(snippets({ 'services.nix': read('services.nix').replace('port = 8081;', 'port = 8081;\n    <|>') }), [], 'not inside a service');
    assert.deepEqual(snippets({ 'distribution.nix': '<|>' }), ['distribution-model']);
  });
});
