// npm run bench:plan: planning as a user waits for it. For generated models of 1,000 and
// 10,000 services (100 targets, three dependencies each, derivations that read their
// dependencies' hosts), times loading and validating the models, computing the manifest
// (every store path and identity hash), and the transition plan: from nothing, and after the
// build of one service that nothing depends on changed. Side by side, nix-instantiate
// computing the same store paths. Then the graph webview in Chromium: layout and first drawing
// of the 1,000-service graph, and the redrawing after an edit.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { writeDisnixModel } from './models';
import { machine, writeSection } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

function time<T>(work: () => T): [T, number] {
  const t = performance.now();
  const r = work();
  return [r, performance.now() - t];
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

  let render = 'Chromium is not installed: not measured.';
  if (hasChromium && graph1000) {
    const { url, server } = await serveGraphPage();
    const browser = await launchChromium();
    const first: number[] = [];
    const update: number[] = [];
    const edited = withOneServiceAdded(graph1000);
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openGraphPage(page, url);
      first.push(await showGraph(page, graph1000, 600_000));
      update.push(await showGraph(page, edited, 600_000));
      await page.close();
    }
    await browser.close();
    server.close();
    const row = (what: string, times: number[]) => `| ${what} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`;
    const size = `${graph1000.services.length.toLocaleString('en')} services, ${graph1000.edges.length.toLocaleString('en')} edges, ${graph1000.targets.length} machines`;
    render = [row(`first drawing: ${size}`, first), row('redrawing after one service is added to one machine', update)].join('\n');
    process.stdout.write(render + '\n');
  }

  writeSection('bench:plan', `Generated by \`npm run bench:plan\` on ${machine()}; ${nixVersion}; median of ${RUNS} runs, milliseconds.
Models: 100 targets, three \`dependsOn\` per service, every build a derivation reading its
dependencies' hosts. dnx's store paths are checked equal to Nix's in every run. After the
first run the files' syntax trees are cached, as they are in the editor.

| services | load + validate | manifest | plan from nothing | plan after one leaf changed | nix-instantiate, store paths only |
|---|---|---|---|---|---|
${rows.join('\n')}

Graph webview in Chromium, from the graph message to the next frame after the drawing (layout
included), timed in the page; first in a fresh page, then the same page given the graph after
an edit:

| drawing | median | fastest | slowest |
|---|---|---|---|
${render}
`);
}

/** The graph after an edit: one more service on the first service's machine, depending on it. */
function withOneServiceAdded(graph: DeploymentGraph): DeploymentGraph {
  const next = graph.services[0];
  const added = { ...next, id: `${next.target}/${next.container}/added`, name: 'added' };
  return { ...graph, services: [...graph.services, added], edges: [...graph.edges, { from: added.id, to: next.id, kind: 'dependsOn' }] };
}

void main();
