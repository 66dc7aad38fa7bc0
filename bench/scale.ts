// npm run bench:scale: the coordinator past this machine, by simulation. A deployment of ten
// services per target onto 100, 1,000 and 10,000 simulated targets (core/deploy/transports/
// memory.ts: each operation answered from memory after a simulated delay, 5 ms for an
// activation, 1 ms for anything else), each target with one core, every service depending on
// up to two services of the previous layer: plan and execute from nothing. Coordinator CPU
// time, wall time and peak heap per size, and what dominates.

import { performance } from 'node:perf_hooks';
import type { DeployEvent } from '../core/deploy/events';
import { execute } from '../core/deploy/executor';
import type { LocalStore } from '../core/deploy/store';
import { MemoryClient } from '../core/deploy/transports/memory';
import { planTransition } from '../core/plan/transition';
import type { Manifest, ManifestTarget } from '../core/plan/types';
import { machine, writeSection } from './report';

const SIZES = (process.env.BENCH_TARGETS ?? '100,1000,10000').split(',').map(Number);
const PER_TARGET = 10;
const ACTIVATION_MS = 5;
const OTHER_MS = 1;

/** A hash-like store path name part, 32 characters of Nix's base32 alphabet. */
function hash32(n: number): string {
  const alphabet = '0123456789abcdfghijklmnpqrsvwxyz';
  let s = '';
  for (let i = 0, x = n * 2654435761 + 1; i < 32; i++, x = Math.floor(x / 7) + i * 31) s += alphabet[x % 32];
  return s;
}

/** `targets` targets, ten services each in layers: service i depends on up to two of the layer before. */
function syntheticManifest(targets: number): Manifest {
  const services = targets * PER_TARGET;
  const infrastructure: Record<string, ManifestTarget> = {};
  const profiles: Manifest['profiles'] = {};
  for (let t = 0; t < targets; t++) {
    infrastructure[`t${t}`] = { properties: { hostname: `t${t}` }, containers: { process: {} }, system: 'x86_64-linux', numOfCores: 1, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' };
    profiles[`t${t}`] = { path: `/nix/store/${hash32(1e9 + t)}-profile`, packages: [] };
  }
  const m: Manifest = { version: 2, profiles, services: {}, infrastructure, serviceMappings: [], snapshotMappings: [] };
  const keyOf = (i: number) => hash32(i).replace(/^./, 'k');
  for (let i = 0; i < services; i++) {
    const target = `t${i % targets}`;
    // Layer L holds one service per target; each depends on two of layer L - 1, on two targets.
    const [layer, at] = [Math.floor(i / targets), i % targets];
    const deps = layer === 0 ? [] : [...new Set([(layer - 1) * targets + at, (layer - 1) * targets + ((at + 1) % targets)])];
    const pkg = `/nix/store/${hash32(i)}-s${i}`;
    m.services[keyOf(i)] = { name: `s${i}`, type: 'process', pkg, dependsOn: deps.map((d) => ({ service: keyOf(d), target: `t${d % targets}`, container: 'process' })), connectsTo: [] };
    m.serviceMappings.push({ service: keyOf(i), target, container: 'process' });
    profiles[target].packages.push(pkg);
  }
  return m;
}

// The simulated targets take no bytes: a closure is just its paths.
const store = { closure: (paths: string[]) => paths } as unknown as LocalStore;

async function measure(targets: number) {
  const manifest = syntheticManifest(targets);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = planTransition(manifest, undefined);
  const planMs = performance.now() - t0;
  const planCpu = process.cpuUsage(cpu0);
  const clients = new Map<string, MemoryClient>();
  const delayMs = (req: { op: string }) => (req.op === 'activate' ? ACTIVATION_MS : OTHER_MS);
  const client = (t: string) => {
    let c = clients.get(t);
    if (!c) clients.set(t, (c = new MemoryClient(t, undefined, { delayMs })));
    return c;
  };
  let events = 0;
  // Each phase's span: from its first step's start to its last step's end.
  const spans = new Map<string, [number, number]>();
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  const onEvent = (e: DeployEvent) => {
    events++;
    const now = performance.now() - t1;
    const span = spans.get(e.phase) ?? [now, now];
    spans.set(e.phase, [Math.min(span[0], now), Math.max(span[1], now)]);
  };
  const result = await execute(plan, { client, distribute: { store, maxConcurrentTransfers: 2 }, targets: { profile: 'default', lockOwner: 'bench' }, onEvent });
  const execMs = performance.now() - t1;
  const execCpu = process.cpuUsage(cpu1);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  if (result.status !== 0) throw new Error(`the simulated deployment failed: ${result.error?.message}`);
  // The critical path: each layer's activations after the previous layer's.
  const criticalMs = PER_TARGET * ACTIVATION_MS;
  return {
    targets,
    services: targets * PER_TARGET,
    planMs,
    planCpuMs: (planCpu.user + planCpu.system) / 1000,
    execMs,
    execCpuMs: (execCpu.user + execCpu.system) / 1000,
    criticalMs,
    peakMb: (peak - heapBefore) / 1e6,
    events,
    phase: (name: string) => (spans.has(name) ? spans.get(name)![1] - spans.get(name)![0] : 0),
  };
}

async function main(): Promise<void> {
  const rows = [];
  for (const n of SIZES) {
    const r = await measure(n);
    rows.push(r);
    process.stdout.write(`${r.targets} targets, ${r.services} services: plan ${r.planMs.toFixed(0)} ms, execute ${r.execMs.toFixed(0)} ms wall / ${r.execCpuMs.toFixed(0)} ms CPU (distribute ${r.phase('distribute').toFixed(0)} ms, activate ${r.phase('activate').toFixed(0)} ms), heap +${r.peakMb.toFixed(0)} MB\n`);
  }
  const per = (ms: number, services: number) => `${((ms * 1000) / services).toFixed(0)} µs`;
  const table = [
    '| targets | services | plan | execute, wall | of which distribute | of which activate (critical path) | coordinator CPU | CPU per service | heap growth |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.targets.toLocaleString('en')} | ${r.services.toLocaleString('en')} | ${r.planMs.toFixed(0)} ms | ${(r.execMs / 1000).toFixed(2)} s | ${(r.phase('distribute') / 1000).toFixed(2)} s | ${(r.phase('activate') / 1000).toFixed(2)} s (${r.criticalMs} ms) | ${((r.planCpuMs + r.execCpuMs) / 1000).toFixed(2)} s | ${per(r.planCpuMs + r.execCpuMs, r.services)} | ${r.peakMb.toFixed(0)} MB |`),
  ].join('\n');
  writeSection(
    'bench-scale',
    `${machine()} Command: \`npm run bench:scale\` (simulated targets, ${ACTIVATION_MS} ms per activation, ${OTHER_MS} ms per other operation, one core each).\n\n${table}`,
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
