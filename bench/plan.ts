// npm run bench:plan: planning as a user waits for it. For generated models of 1,000 and
// 10,000 services (100 targets, three dependencies each, derivations that read their
// dependencies' hosts), times loading and validating the models, computing the manifest
// (every store path and identity hash), and the transition plan: from nothing, and after the
// build of one service that nothing depends on changed. Side by side, nix-instantiate
// computing the same store paths. Then the graph webview in Chromium: layout and first drawing
// of the 1,000-service graph, and the redrawing after an edit.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyseDeployment } from '../core/model/analyse';
import { initParser } from '../core/nix/parser';
import { withBuilds } from '../core/plan/identity';
import { deploymentGraph, type DeploymentGraph } from '../core/plan/graph';
import { buildManifest } from '../core/plan/manifest';
import { planTransition } from '../core/plan/transition';
import type { Manifest } from '../core/plan/types';
import { hasChromium, launchChromium } from '../test/browser';
import { openGraphPage, serveGraphPage, showGraph } from '../test/webview/graph-page';
import { LspClient, uri } from '../test/server/lsp-client';
import { PLAN_SETTLE_MS, type PlanParams, type PlanResponseFor } from '../server/protocol';
import { Source } from '../core/nix/source';
import { writeDisnixModel, type ModelSize } from './models';
import { machine, writeSection } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

function time<T>(work: () => T): [T, number] {
  const t = performance.now();
  const r = work();
  return [r, performance.now() - t];
}

const EDITS = 20;

/**
 * What the editor's graph and plan wait for after a keystroke: the time from sending an edit
 * of the distribution model (s1 moves between test0 and test1) to the language server's
 * answer to `disnix/plan` (analysis, manifest, plan and graph of the edited models).
 */
async function planAfterEdit(size: ModelSize): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-bench-plan-lsp-'));
  try {
    writeDisnixModel(dir, size, { derivations: true });
    const client = await LspClient.start(dir, { settings: { coordinatorProfilePath: join(dir, 'coordinator') } });
    const distribution = join(dir, 'distribution.nix');
    const text = readFileSync(distribution, 'utf8');
    const at = new Source('', text, '').position(text.indexOf('s1 = [ infrastructure.test1') + 's1 = [ infrastructure.test'.length);
    await client.open(distribution);
    const ask = async () => {
      // What the graph panel asks for.
      const r = await client.request<PlanResponseFor<'graph'>>('disnix/plan', { uri: uri(distribution), view: 'graph' } satisfies PlanParams);
      if (!r.ok) throw new Error(r.message);
      return r;
    };
    await ask();
    const times: number[] = [];
    for (let round = 0; round < EDITS; round++) {
      const started = performance.now();
      await client.edit(distribution, at, 1, String(round % 2));
      const r = await ask();
      times.push(performance.now() - started);
      if (!r.graph.services.some((x) => x.id === `test${round % 2}/process/s1`)) throw new Error('the plan does not show the edit');
    }
    await client.stop();
    return times;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same store paths computed by real Nix: every service's pkg called as Disnix calls it. */
function nixOutPaths(dir: string): string {
  writeFileSync(join(dir, 'outpaths.nix'), `let
  infrastructure = import ./infrastructure.nix;
  distribution = import ./distribution.nix { inherit infrastructure; };
  services = import ./services.nix { inherit distribution; invDistribution = { }; system = "x86_64-linux"; pkgs = { }; };
  param = name: { target = builtins.head distribution.\${name}; };
  build = s: if s.dependsOn == { } then s.pkg else s.pkg (builtins.mapAttrs (n: d: param d.name) s.dependsOn);
in builtins.mapAttrs (name: s: (build s).outPath) services
`);
  return join(dir, 'outpaths.nix');
}

async function main(): Promise<void> {
  await initParser();
  const nixVersion = execFileSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).trim();
  const rows: string[] = [];
  let graph1000: DeploymentGraph | undefined;
  for (const services of [1000, 10000]) {
    const dir = mkdtempSync(join(tmpdir(), 'dnx-bench-plan-'));
    writeDisnixModel(dir, { services, targets: 100, edges: services * 3 }, { derivations: true });
    const files = { services: join(dir, 'services.nix'), infrastructure: join(dir, 'infrastructure.nix'), distribution: join(dir, 'distribution.nix') };
    const outPathsFile = nixOutPaths(dir);
    const t = { analyse: [] as number[], manifest: [] as number[], first: [] as number[], change: [] as number[], nix: [] as number[] };
    let manifest: Manifest | undefined;
    for (let run = 0; run < RUNS; run++) {
      const [analysis, a] = time(() => analyseDeployment(files));
      const [result, m] = time(() => buildManifest(analysis));
      if (!result.manifest) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
      manifest = result.manifest;
      t.analyse.push(a);
      t.manifest.push(m);
      t.first.push(time(() => planTransition(manifest!, undefined))[1]);
      // What runs now differs in the build of one service nothing depends on (the last).
      const last = Object.keys(manifest.services).find((h) => manifest!.services[h].name === `s${services - 1}`)!;
      const previous = withBuilds(manifest, new Map([[last, '/nix/store/00000000000000000000000000000000-old']]));
      const [plan, c] = time(() => planTransition(manifest!, previous));
      if (plan.summary.changed === 0) throw new Error('the changed service was not noticed');
      t.change.push(c);
      const started = performance.now();
      const nix = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', outPathsFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
      t.nix.push(performance.now() - started);
      if (nix.status !== 0) throw new Error(nix.stderr);
      const paths = JSON.parse(nix.stdout) as Record<string, string>;
      for (const s of Object.values(manifest.services)) if (s.pkg !== paths[s.name]) throw new Error(`${s.name}: dnx ${s.pkg}, Nix ${paths[s.name]}`);
    }
    if (services === 1000) graph1000 = deploymentGraph(manifest!);
    rows.push(`| ${services.toLocaleString('en')} | ${ms(median(t.analyse))} | ${ms(median(t.manifest))} | ${ms(median(t.first))} | ${ms(median(t.change))} | ${ms(median(t.nix))} |`);
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(rows[rows.length - 1] + '\n');
  }

  // The editor's loop after a keystroke, for a small and a large model: the plan request, and
  // redrawing the graph it returns.
  const loops = [
    { label: '50 services, 10 machines', size: { services: 50, targets: 10, edges: 150 } },
    { label: '1,000 services, 100 machines', size: { services: 1000, targets: 100, edges: 3000 } },
  ];
  const afterEdit = [];
  for (const loop of loops) afterEdit.push({ ...loop, plan: await planAfterEdit(loop.size), graph: loop.size.services === 1000 ? graph1000! : await graphOf(loop.size) });

  let render = 'Chromium is not installed: not measured.';
  let loopRows = afterEdit.map((l) => `| ${l.label} | ${PLAN_SETTLE_MS} | ${ms(median(l.plan))} (p95 ${ms(percentile95(l.plan))}) | not measured | |`);
  if (hasChromium && graph1000) {
    const { url, server } = await serveGraphPage();
    const browser = await launchChromium();
    const draw = async (graph: DeploymentGraph) => {
      const first: number[] = [];
      const update: number[] = [];
      const edited = withOneServiceAdded(graph);
      for (let run = 0; run < RUNS; run++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await openGraphPage(page, url);
        first.push(await showGraph(page, graph, 600_000));
        update.push(await showGraph(page, edited, 600_000));
        await page.close();
      }
      return { first, update };
    };
    const drawn: { first: number[]; update: number[] }[] = [];
    for (const l of afterEdit) drawn.push(await draw(l.graph));
    await browser.close();
    server.close();
    const row = (what: string, times: number[]) => `| ${what} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`;
    const sizeOf = (g: DeploymentGraph) => `${g.services.length.toLocaleString('en')} services, ${g.edges.length.toLocaleString('en')} edges, ${g.targets.length} machines`;
    render = afterEdit.flatMap((l, i) => [row(`first drawing: ${sizeOf(l.graph)}`, drawn[i].first), row(`redrawing it after one service is added to one machine`, drawn[i].update)]).join('\n');
    loopRows = afterEdit.map((l, i) => {
      const redraw = median(drawn[i].update);
      return `| ${l.label} | ${PLAN_SETTLE_MS} | ${ms(median(l.plan))} (p95 ${ms(percentile95(l.plan))}) | ${ms(redraw)} | ${ms(PLAN_SETTLE_MS + median(l.plan) + redraw)} |`;
    });
    process.stdout.write(render + '\n' + loopRows.join('\n') + '\n');
  }

  writeSection('bench:plan', `Generated by \`npm run bench:plan\`. ${machine()} ${nixVersion}. Median of ${RUNS} runs, milliseconds.
Models: three \`dependsOn\` per service, every build a derivation reading its dependencies'
hosts. dnx's store paths are checked equal to Nix's in every run. After the first run the
files' syntax trees are cached, as they are in the editor.

| services (100 targets) | load + validate | manifest | plan from nothing | plan after one leaf changed | nix-instantiate, store paths only |
|---|---|---|---|---|---|
${rows.join('\n')}

Graph webview in Chromium, from the graph message to the next frame after the drawing (layout
included), timed in the page; first in a fresh page, then the same page given the graph after
an edit:

| drawing | median | fastest | slowest |
|---|---|---|---|
${render}

From a keystroke in the distribution model to the redrawn graph in the editor: the client
waits out a burst of keystrokes, asks the language server for the plan (${EDITS} edits, each
followed by \`disnix/plan\`, over LSP: analysis, manifest, plan and graph), and the webview
redraws (the redrawing above):

| model | settle | edit to plan answer, median | redraw | total |
|---|---|---|---|---|
${loopRows.join('\n')}
`);
}

/** The deployment graph of a generated model. */
async function graphOf(size: ModelSize): Promise<DeploymentGraph> {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-bench-plan-graph-'));
  try {
    writeDisnixModel(dir, size, { derivations: true });
    const result = buildManifest(analyseDeployment({ services: join(dir, 'services.nix'), infrastructure: join(dir, 'infrastructure.nix'), distribution: join(dir, 'distribution.nix') }));
    if (!result.manifest) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    return deploymentGraph(result.manifest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const percentile95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)];

/** The graph after an edit: one more service on the first service's machine, depending on it. */
function withOneServiceAdded(graph: DeploymentGraph): DeploymentGraph {
  const next = graph.services[0];
  const added = { ...next, id: `${next.target}/${next.container}/added`, name: 'added' };
  return { ...graph, services: [...graph.services, added], edges: [...graph.edges, { from: added.id, to: next.id, kind: 'dependsOn' }] };
}

void main();
