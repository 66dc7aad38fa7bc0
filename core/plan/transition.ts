// The transition plan: the steps `disnix-env` takes from the deployed manifest to a new one,
// in order (../shared/reference/disnix.md §3.1). Mappings are compared by (hash, target,
// container); obsolete ones are deactivated dependents first, new ones activated dependencies
// first, each target running at most `numOfCores` of them at a time.

import { compareManifests, ManifestIndex, type ServiceChange } from './changes';
import { WaitGraph } from './wait-graph';
import { emptyManifest, mappingKey, type DependencyMapping, type Manifest, type ServiceMapping, type SnapshotMapping } from './types';

export interface PlanOptions {
  /** `--no-upgrade`: ignore what runs now and deploy everything again. */
  noUpgrade?: boolean;
  /** `--no-lock`: skip locking and unlocking. */
  noLock?: boolean;
  /** `--no-migration`: do not move the state of `deployState` services. */
  noMigration?: boolean;
}

export type StepKind = 'build' | 'distribute' | 'lock' | 'deactivate' | 'activate' | 'snapshot' | 'restore' | 'set-profile' | 'set-coordinator-profile' | 'unlock';

export interface Step {
  kind: StepKind;
  target?: string;
  /** The service's name (activation, deactivation, state). */
  service?: string;
  container?: string;
  /** The service's identity hash, or the store path for build and distribute steps. */
  hash?: string;
  pkg?: string | null;
  /** Store paths concerned (distribute, set-profile). */
  paths?: (string | null)[];
  /** Activation and deactivation: the round it can run in, rounds running one after another. */
  round?: number;
}

export interface Plan {
  /** Whether the plan starts from a deployed manifest (else everything is new). */
  upgrade: boolean;
  changes: ServiceChange[];
  steps: Step[];
  summary: Record<ServiceChange['status'], number>;
}

/**
 * What a transition deactivates and activates, and what each of those waits for: a
 * deactivation for the mappings depending on it (in either manifest), an activation for the
 * mappings it depends on. Keys are `mappingKey`s of the mappings as listed.
 */
export interface TransitionGraph {
  previous: Manifest;
  nextIndex: ManifestIndex;
  prevIndex: ManifestIndex;
  changes: ServiceChange[];
  toDeactivate: ServiceMapping[];
  toActivate: ServiceMapping[];
  deactivationWaitsFor: (key: string) => string[];
  activationWaitsFor: (key: string) => string[];
}

export function transitionGraph(next: Manifest, previous: Manifest | undefined, options: PlanOptions = {}): TransitionGraph {
  const prev = previous && !options.noUpgrade ? previous : emptyManifest();
  const nextIndex = new ManifestIndex(next);
  const prevIndex = new ManifestIndex(prev);
  // Provisional instances judged unchanged keep running: their new hash stands for the old one.
  const equivalent = new Map<string, string>();
  const changes = compareManifests(nextIndex, prevIndex, equivalent);

  const asOld = (m: DependencyMapping): string => `${equivalent.get(m.service) ?? m.service}\0${m.target}\0${m.container}`;
  const nextKeys = new Set(next.serviceMappings.map(asOld));
  const prevKeys = new Set(prev.serviceMappings.map(mappingKey));
  // Targets gone from the new infrastructure are unreachable: nothing is deactivated there.
  const toDeactivate = prev.serviceMappings.filter((m) => !nextKeys.has(mappingKey(m)) && next.infrastructure[m.target]);
  const toActivate = next.serviceMappings.filter((m) => !prevKeys.has(asOld(m)));

  const dependsOn = (manifest: Manifest, m: ServiceMapping) => manifest.services[m.service]?.dependsOn ?? [];
  const deactivationPrereqs = new Map<string, string[]>();
  for (const [manifest, keyOf] of [[prev, mappingKey], [next, asOld]] as const) {
    for (const m of manifest.serviceMappings) {
      for (const d of dependsOn(manifest, m)) {
        const depKey = manifest === next ? asOld(d) : mappingKey(d);
        const list = deactivationPrereqs.get(depKey);
        if (list) list.push(keyOf(m));
        else deactivationPrereqs.set(depKey, [keyOf(m)]);
      }
    }
  }
  const activationPrereqs = new Map(next.serviceMappings.map((m) => [mappingKey(m), dependsOn(next, m).map(mappingKey)]));
  return {
    previous: prev,
    nextIndex,
    prevIndex,
    changes,
    toDeactivate,
    toActivate,
    deactivationWaitsFor: (k) => deactivationPrereqs.get(k) ?? [],
    activationWaitsFor: (k) => activationPrereqs.get(k) ?? [],
  };
}

export function planTransition(next: Manifest, previous: Manifest | undefined, options: PlanOptions = {}): Plan {
  const graph = transitionGraph(next, previous, options);
  const { previous: prev, nextIndex, prevIndex, changes } = graph;
  const summary = { new: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const c of changes) summary[c.status]++;

  const steps: Step[] = [];
  const prevPaths = new Set(Object.values(prev.profiles).flatMap((p) => p.packages));
  const builds = new Set<string | null>();
  for (const s of Object.values(next.services)) if (s.pkg === null || !prevPaths.has(s.pkg)) builds.add(s.pkg);
  for (const p of Object.values(next.profiles)) for (const pkg of p.packages) if (pkg === null || !prevPaths.has(pkg)) builds.add(pkg);
  for (const pkg of builds) steps.push({ kind: 'build', pkg });

  const targets = Object.keys(next.profiles).sort();
  for (const t of targets) {
    const old = new Set(prev.profiles[t]?.packages ?? []);
    const paths = next.profiles[t].packages.filter((p) => p === null || !old.has(p));
    if (paths.length > 0) steps.push({ kind: 'distribute', target: t, paths });
  }
  const locked = targets.filter((t) => next.infrastructure[t]);
  if (!options.noLock) for (const t of locked) steps.push({ kind: 'lock', target: t });

  const cores = (t: string) => Math.max(1, next.infrastructure[t]?.numOfCores ?? prev.infrastructure[t]?.numOfCores ?? 1);
  schedule(graph.toDeactivate, mappingKey, graph.deactivationWaitsFor, cores, (h) => prevIndex.nameOf(h)).forEach(([m, round]) =>
    steps.push({ kind: 'deactivate', target: m.target, service: prevIndex.nameOf(m.service), container: m.container, hash: m.service, round }),
  );
  schedule(graph.toActivate, mappingKey, graph.activationWaitsFor, cores, (h) => nextIndex.nameOf(h)).forEach(([m, round]) =>
    steps.push({ kind: 'activate', target: m.target, service: nextIndex.nameOf(m.service), container: m.container, hash: m.service, round }),
  );

  if (!options.noMigration) steps.push(...migrationSteps(next.snapshotMappings, previous?.snapshotMappings ?? [], previous !== undefined && !options.noUpgrade, nextIndex, prevIndex));
  for (const t of targets) steps.push({ kind: 'set-profile', target: t, paths: next.profiles[t].packages });
  steps.push({ kind: 'set-coordinator-profile' });
  if (!options.noLock) for (const t of locked) steps.push({ kind: 'unlock', target: t });
  return { upgrade: previous !== undefined && !options.noUpgrade, changes, steps, summary };
}

/**
 * Orders jobs in rounds: a job runs once the jobs it waits for (those among `jobs`) ran in an
 * earlier round, and each target runs at most `cores(target)` jobs a round.
 */
function schedule(jobs: ServiceMapping[], keyOf: (m: ServiceMapping) => string, waitsFor: (key: string) => string[], cores: (t: string) => number, nameOf: (hash: string) => string): [ServiceMapping, number][] {
  const byKey = new Map(jobs.map((m) => [keyOf(m), m]));
  // Ready jobs are kept as their sort key (target, service name, mapping), made once per job.
  const orderOf = new Map([...byKey].map(([k, m]) => [k, `${m.target}\0${nameOf(m.service)}\0${k}`]));
  const keyOfOrder = new Map([...orderOf].map(([k, o]) => [o, k]));
  const graph = new WaitGraph(byKey.keys(), waitsFor);
  let ready = graph.ready().map((k) => orderOf.get(k)!);
  const out: [ServiceMapping, number][] = [];
  for (let round = 1; ready.length > 0; round++) {
    ready.sort();
    const used = new Map<string, number>();
    const later: string[] = [];
    const ran: string[] = [];
    for (const order of ready) {
      const key = keyOfOrder.get(order)!;
      const m = byKey.get(key)!;
      const n = used.get(m.target) ?? 0;
      if (n >= cores(m.target)) {
        later.push(order);
        continue;
      }
      used.set(m.target, n + 1);
      out.push([m, round]);
      ran.push(key);
    }
    for (const key of ran) for (const u of graph.finish(key)) later.push(orderOf.get(u)!);
    ready = later;
  }
  // A cycle leaves jobs behind; the models' validation refuses cyclic dependsOn before this.
  return out;
}

function migrationSteps(next: SnapshotMapping[], prev: SnapshotMapping[], upgrade: boolean, nextIndex: ManifestIndex, prevIndex: ManifestIndex): Step[] {
  const key = (m: SnapshotMapping) => `${m.component}\0${m.target}\0${m.container}`;
  const before = new Set(upgrade ? prev.map(key) : []);
  const after = new Set(next.map(key));
  const steps: Step[] = [];
  if (upgrade) {
    for (const m of prev) if (!after.has(key(m))) steps.push({ kind: 'snapshot', target: m.target, service: prevIndex.nameOf(m.service), container: m.container, hash: m.service });
  } else {
    for (const m of prev) steps.push({ kind: 'snapshot', target: m.target, service: prevIndex.nameOf(m.service), container: m.container, hash: m.service });
  }
  // State is restored where a component arrives that has state elsewhere to bring along.
  const components = new Set(prev.map((m) => m.component));
  for (const m of next) if (!before.has(key(m)) && components.has(m.component)) steps.push({ kind: 'restore', target: m.target, service: nextIndex.nameOf(m.service), container: m.container, hash: m.service });
  return steps;
}
