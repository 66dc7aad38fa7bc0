// The plan and graph the editor asks the language server for (`disnix/plan`), and the code
// lenses that ask for them: against an empty coordinator profile, against a deployed
// generation, after an unsaved edit, with a broken model and with a corrupt profile.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { analyseDeployment } from '../../core/model/analyse';
import { CoordinatorProfile } from '../../core/plan/coordinator';
import { buildManifest } from '../../core/plan/manifest';
import type { PlanFailed, PlanGraphShown, PlanParams, PlanResponseFor, PlanShown, PlanViewKind } from '../../server/protocol';
import { ready } from '../helpers';
import { EXAMPLE } from '../ide/fixture';
import { LspClient, uri } from './lsp-client';

describe('plan and graph over the language server', () => {
  let dir: string;
  let coordinator: string;
  let client: LspClient;
  let services: string;
  let distribution: string;
  let infrastructure: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dnx-lsp-plan-'));
    cpSync(EXAMPLE, join(dir, 'project'), { recursive: true });
    services = join(dir, 'project', 'services.nix');
    distribution = join(dir, 'project', 'distribution.nix');
    infrastructure = join(dir, 'project', 'infrastructure.nix');
    coordinator = join(dir, 'coordinator');
    client = await LspClient.start(join(dir, 'project'), { settings: { coordinatorProfilePath: coordinator, profile: 'test' } });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = <K extends PlanViewKind>(view: K) => client.request<PlanResponseFor<K>>('disnix/plan', { uri: uri(distribution), view } satisfies PlanParams);
  const shown = async <K extends PlanViewKind>(view: K): Promise<Extract<PlanShown, { view: K }>> => {
    const r = await plan(view);
    assert.ok(r.ok, !r.ok ? r.message : '');
    return r as Extract<PlanShown, { view: K }>;
  };
  const statuses = (r: PlanGraphShown) => Object.fromEntries(r.graph.services.map((s) => [s.id, s.status]));
  const lineOf = (path: string, needle: string) => readFileSync(path, 'utf8').split('\n').findIndex((l) => l.includes(needle));

  it('plans everything as new when nothing is deployed, with links to the models', async () => {
    await client.open(distribution);
    const r = await shown('text');
    assert.match(r.text, /^Plan: 3 to add, 0 to change, 0 to remove, 0 unchanged \(nothing deployed yet\)\./);
    assert.equal(r.title, 'project: distribution.nix');
    assert.ok(!('graph' in r), 'the plan document is sent its words and links only');
    const g = await shown('graph');
    assert.ok(!('text' in g) && !('links' in g), 'the graph panel is sent the graph only');
    assert.deepEqual(statuses(g), { 'test1/process/HelloService': 'new', 'test1/process/HelloWorld': 'new', 'test2/process/HelloWorldService': 'new' });
    // The service a line of the plan names links to its definition in the services model.
    const lines = r.text.split('\n');
    const link = r.links.find((l) => lines[l.range.start.line].slice(l.range.start.character, l.range.end.character) === 'HelloWorldService');
    assert.ok(link);
    assert.equal(link.place.uri, uri(services));
    assert.equal(link.place.range.start.line, lineOf(services, 'HelloWorldService = {'));
    // And the graph's nodes know where they are defined.
    assert.equal(g.services['test1/process/HelloWorld'].uri, uri(services));
    assert.equal(g.targets.test2.uri, uri(infrastructure));
    assert.equal(g.targets.test2.range.start.line, lineOf(infrastructure, 'test2 = {'));
  });

  it('compares with the deployed generation of the configured coordinator profile', async () => {
    await ready;
    const { manifest } = buildManifest(analyseDeployment({ services, infrastructure, distribution }));
    new CoordinatorProfile(coordinator, 'test').add(manifest!);
    const r = await shown('text');
    assert.match(r.text, /^Plan: 0 to add, 0 to change, 0 to remove, 3 unchanged \(compared with generation 1 of profile 'test'\)\./);
    assert.deepEqual(new Set(Object.values(statuses(await shown('graph')))), new Set(['unchanged']));
  });

  it('follows unsaved edits: a service moved to another machine, and what depends on it', async () => {
    const moved = readFileSync(distribution, 'utf8').replace('HelloService = [ infrastructure.test1 ]', 'HelloService = [ infrastructure.test2 ]');
    assert.notEqual(moved, readFileSync(distribution, 'utf8'));
    await client.change(distribution, moved);
    const r = await shown('graph');
    const s = statuses(r);
    assert.equal(s['test2/process/HelloService'], 'new');
    assert.equal(s['test1/process/HelloService'], 'removed');
    assert.equal(s['test2/process/HelloWorldService'], 'changed');
    const reasons = r.graph.services.find((x) => x.id === 'test2/process/HelloWorldService')!.reasons!.join('; ');
    assert.match(reasons, /HelloService/);
  });

  it('says why there is no plan when the models have errors, located at the cause', async () => {
    const broken = readFileSync(distribution, 'utf8').replace('HelloWorld = [ infrastructure.test1 ]', 'HelloWorld = [ infrastructure.test3 ]');
    await client.change(distribution, broken);
    const r = await plan('graph');
    assert.ok(!r.ok);
    assert.match((r as PlanFailed).message, /1 error/);
    const [problem] = (r as PlanFailed).problems;
    assert.match(problem.message, /'test3' is not a target/);
    assert.equal(problem.place.uri, uri(distribution));
    // The graph drawn last of these models comes with it, machines and all, for the panel to keep showing.
    const lastGood = (r as PlanFailed).lastGood;
    assert.deepEqual(lastGood?.graph.targets.map((t) => t.name).sort(), ['test1', 'test2']);
    assert.ok(lastGood && 'test1/process/HelloWorld' in lastGood.services, 'with the places to open');
    assert.equal((await plan('text') as PlanFailed).lastGood, undefined, 'the text view says why, without an old plan');
    await client.change(distribution, readFileSync(distribution, 'utf8'));
  });

  it('puts Plan and Show graph lenses above the distribution model only', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(distribution) } });
    assert.deepEqual(lenses.map((l) => [l.command?.title, l.command?.command, l.command?.arguments]), [
      ['Plan', 'disnix.planDeployment', [uri(distribution)]],
      ['Show graph', 'disnix.showGraph', [uri(distribution)]],
    ]);
    // Above the set of mappings, not the function's formals.
    assert.equal(lenses[0].range.start.line, readFileSync(distribution, 'utf8').split('\n').indexOf('{'));
    await client.open(services);
    assert.deepEqual(await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(services) } }), []);
  });

  it('reports a coordinator profile it cannot read instead of planning against nothing', async () => {
    mkdirSync(coordinator, { recursive: true });
    writeFileSync(join(coordinator, 'test-2.json'), '{ not json');
    rmSync(join(coordinator, 'test'));
    symlinkSync('test-2.json', join(coordinator, 'test'));
    const r = await plan('text');
    assert.ok(!r.ok);
    assert.match((r as PlanFailed).message, /^What runs now is not known: .*disnix\.coordinatorProfilePath/);
  });
});
