// Protocol-level tests: the built server (`dnx lsp --stdio`) spawned as a child process, driven
// over JSON-RPC as an editor would, on a copy of the hello-world example.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, Hover, Location, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { Source } from '../../core/nix/source';
import { EXAMPLE } from '../ide/fixture';
import { LspClient, uri } from './lsp-client';

const positionOf = (text: string, needle: string, delta = 0) => {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `'${needle}' is in the text`);
  return new Source('', text, '').position(at + delta);
};

describe('language server over stdio', () => {
  let dir: string;
  let client: LspClient;
  let services: string;
  let distribution: string;
  let infrastructure: string;
  const text = (p: string) => readFileSync(p, 'utf8');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dnx-lsp-'));
    cpSync(EXAMPLE, dir, { recursive: true });
    services = join(dir, 'services.nix');
    distribution = join(dir, 'distribution.nix');
    infrastructure = join(dir, 'infrastructure.nix');
    client = await LspClient.start(dir);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes no diagnostics for a valid model', async () => {
    await client.open(services);
    assert.deepEqual(await client.diagnostics(services), []);
  });

  it('publishes a located error after an edit in another model file, for that version', async () => {
    await client.open(distribution);
    const broken = text(distribution).replace('HelloWorld = [ infrastructure.test1 ]', 'HelloWorld = [ infrastructure.test3 ]');
    await client.change(distribution, broken);
    const [d] = await client.diagnostics(distribution, (ds) => ds.length > 0);
    assert.equal(d.code, 'unknown-target');
    assert.equal(d.source, 'disnix');
    assert.deepEqual(d.range.start, positionOf(broken, 'infrastructure.test3'));
  });

  it('offers a quick fix that creates the missing target in the infrastructure model', async () => {
    const broken = text(distribution).replace('HelloWorld = [ infrastructure.test1 ]', 'HelloWorld = [ infrastructure.test3 ]');
    const diagnostics = await client.diagnostics(distribution);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uri(distribution) },
      range: { start: positionOf(broken, 'test3'), end: positionOf(broken, 'test3') },
      context: { diagnostics },
    });
    const add = actions.find((a) => a.title === "Add target 'test3' to the infrastructure model");
    assert.ok(add, actions.map((a) => a.title).join(', '));
    assert.deepEqual(Object.keys(add.edit!.changes!), [uri(infrastructure)]);
    assert.equal(add.kind, 'quickfix');
  });

  it('clears the diagnostic when the edit is undone, with the newest version only', async () => {
    const original = text(distribution);
    const seen: (number | undefined)[] = [];
    client.onDiagnostics = (p) => p.uri === uri(distribution) && seen.push(p.version ?? undefined);
    // A burst of edits: the last one wins, and nothing older is published after it.
    for (let i = 0; i < 5; i++) await client.change(distribution, original.replace('test1 ];', `test${i + 5} ];`));
    const last = await client.change(distribution, original);
    assert.deepEqual(await client.diagnostics(distribution, (ds) => ds.length === 0), []);
    client.onDiagnostics = undefined;
    assert.deepEqual([...seen].sort((a, b) => a! - b!), seen, 'versions only go up');
    assert.equal(seen[seen.length - 1], last);
  });

  it('completes service names in dependsOn, not the one listed there already', async () => {
    const t = text(services);
    const items = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: uri(services) },
      position: positionOf(t, 'inherit HelloWorldService'),
    });
    assert.deepEqual(items.map((i) => i.label), ['HelloService']);
  });

  it('hovers a target with its properties', async () => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uri(distribution) }, position: positionOf(text(distribution), 'test2', 1) });
    assert.match((h.contents as { value: string }).value, /\*\*target\*\* `test2` at `test2`/);
  });

  it('goes to the definition of a service and finds its references across the files', async () => {
    const at = { textDocument: { uri: uri(distribution) }, position: positionOf(text(distribution), 'HelloService', 2) };
    const [def] = await client.request<Location[]>('textDocument/definition', at);
    assert.equal(def.uri, uri(services));
    assert.deepEqual(def.range.start, positionOf(text(services), 'HelloService = {'));
    const refs = await client.request<Location[]>('textDocument/references', { ...at, context: { includeDeclaration: true } });
    assert.deepEqual([...new Set(refs.map((r) => r.uri))].sort(), [uri(distribution), uri(services)].sort());
    assert.equal(refs.length, 4);
  });

  it('renames a target across the infrastructure and distribution models', async () => {
    await client.open(infrastructure);
    const at = { textDocument: { uri: uri(infrastructure) }, position: positionOf(text(infrastructure), 'test1 =') };
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', at);
    assert.equal(prepared.placeholder, 'test1');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at, newName: 'web1' });
    assert.equal(edit.changes![uri(infrastructure)].length, 1);
    assert.equal(edit.changes![uri(distribution)].length, 2);
    await assert.rejects(client.request('textDocument/rename', { ...at, newName: 'test2' }), /already a target called 'test2'/);
  });

  it('lists symbols, folding ranges and semantic tokens', async () => {
    const symbols = await client.request<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri: uri(services) } });
    assert.deepEqual(symbols.map((s) => s.name), ['HelloService', 'HelloWorldService', 'HelloWorld']);
    const folds = await client.request<unknown[]>('textDocument/foldingRange', { textDocument: { uri: uri(services) } });
    assert.ok(folds.length >= 4);
    const tokens = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: uri(distribution) } });
    assert.equal(tokens.data.length, 6 * 5, 'three services and three targets');
  });

  it('reports a garbage file as a syntax error and keeps answering', async () => {
    await client.change(services, text(services).replace('rec {', 'rec { ))) garbage ;;'));
    const ds = await client.diagnostics(services, (d) => d.length > 0);
    assert.ok(ds.some((d) => d.code === 'syntax-error'));
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(infrastructure) }, position: positionOf(text(infrastructure), 'numOfCores') });
    assert.match((h!.contents as { value: string }).value, /numOfCores/);
    await client.change(services, text(services));
    assert.deepEqual(await client.diagnostics(services, (d) => d.length === 0), []);
  });

  it('leaves Nix files that are not models alone', async () => {
    const other = join(dir, 'pkgs', 'default.nix');
    await client.open(other, '{ broken = ; }');
    // Diagnostics for the open model files still arrive; none ever come for the other file.
    await client.change(services, text(services));
    await client.diagnostics(services);
    const answer = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri(other) }, position: { line: 0, character: 3 } });
    assert.equal(answer, null);
    assert.equal(client.published(other), undefined);
  });
});

describe('language server settings', () => {
  it('ignores silenced codes and does not evaluate files over the size limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnx-lsp-'));
    cpSync(EXAMPLE, dir, { recursive: true });
    const services = join(dir, 'services.nix');
    writeFileSync(services, readFileSync(services, 'utf8').replace('type = "process";\n    port = 8081', 'type = "proces";\n    port = 8081'));
    const silenced = await LspClient.start(dir, { settings: { diagnostics: { ignore: ['unknown-type'] } } });
    await silenced.open(services);
    assert.deepEqual(await silenced.diagnostics(services), []);
    await silenced.stop();
    const small = await LspClient.start(dir, { settings: { maxFileSize: 100 } });
    await small.open(services);
    const [d] = await small.diagnostics(services);
    assert.equal(d.code, 'file-too-large');
    await small.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});
