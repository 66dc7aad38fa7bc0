// The transition plan: the steps `disnix-env` takes from the deployed manifest to a new one,
// in order (../shared/reference/disnix.md §3.1), with every option that changes them. It is
// one value: `dnx plan` and `dnx deploy --dry-run` print it, and the executor
// (core/deploy/executor.ts) runs exactly its steps. Mappings are compared by (hash, target,
// container); obsolete ones are deactivated dependents first, new ones activated dependencies
// first, each target running at most `numOfCores` of them at a time (./schedule.ts).

import { DEFAULT_NUM_OF_CORES } from '../model/schema';
import { compareManifests, ManifestIndex, type ServiceChange } from './changes';
import { rounds, type Job } from './schedule';
import { emptyManifest, mappingKey, type DependencyMapping, type Manifest, type ServiceMapping, type SnapshotMapping } from './types';

/** What changes the steps of a deployment: `disnix-env`'s options of the same names. */
export interface TransitionOptions {
  /** `--no-upgrade`: ignore what runs now and deploy everything again (and move all state). */
  noUpgrade?: boolean;
  /** `--no-lock`: skip locking and unlocking. */
  noLock?: boolean;
  /** `--no-migration`: do not move the state of `deployState` services. */
  noMigration?: boolean;
  /** `--delete-state`: delete the state left behind by moved or removed `deployState` services. */
  deleteState?: boolean;
  /** `--no-target-profiles`: leave the targets' profiles as they are. */
  noTargetProfiles?: boolean;
  /** `--no-coordinator-profile`: record no coordinator generation. */
  noCoordinatorProfile?: boolean;
}

export type StepKind = 'build' | 'distribute' | 'lock' | 'deactivate' | 'activate' | 'snapshot' | 'restore' | 'delete-state' | 'set-profile' | 'set-coordinator-profile' | 'unlock';

export interface Step {
  kind: StepKind;
  target?: string;
  /** The service's name (activation, deactivation, state). */
  service?: string;
  container?: string;
  /** The service's identity hash. */
  hash?: string;
  /** Build steps: the store path (`null`: known only after evaluating Nixpkgs). */
  pkg?: string | null;
  /** Distribute: the packages the target's profile gains; set-profile: all its packages. */
  paths?: (string | null)[];
  /** Service and state steps: the mapping concerned, in the manifest it comes from. */
  mapping?: ServiceMapping | SnapshotMapping;
  /** Activation and deactivation: the `mappingKey`s of the steps of the same kind this one waits for. */
  after?: string[];
  /** Activation and deactivation: the round it runs in when every step takes as long. */
  round?: number;
  /** Restore: where the state comes from, when that is another place. */
  from?: { target: string; container: string };
}

export interface TransitionPlan {
  next: Manifest;
  /** The deployed manifest, as given (state moves from it even with `noUpgrade`). */
  previous?: Manifest;
  /** What the deployment replaces: the deployed manifest, or an empty one when nothing is or with `noUpgrade`. */
  from: Manifest;
  /** Whether the plan starts from a deployed manifest (else everything is new). */
  upgrade: boolean;
  options: TransitionOptions;
  changes: ServiceChange[];
  steps: Step[];
  summary: Record<ServiceChange['status'], number>;
}

export function planTransition(next: Manifest, previous: Manifest | undefined, options: TransitionOptions = {}): TransitionPlan {
  const upgrade = previous !== undefined && !options.noUpgrade;
  const prev = upgrade ? previous : emptyManifest();
  const nextIndex = new ManifestIndex(next);
  const prevIndex = new ManifestIndex(prev);
  // Provisional instances judged unchanged keep running: their new hash stands for the old one.
  const equivalent = new Map<string, string>();
  const changes = compareManifests(nextIndex, prevIndex, equivalent);
  const summary = { new: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const c of changes) summary[c.status]++;

  const steps: Step[] = [];
  const prevPaths = new Set(Object.values(prev.profiles).flatMap((p) => p.packages));
  const builds = new Set<string | null>();
  for (const s of Object.values(next.services)) if (s.pkg === null || !prevPaths.has(s.pkg)) builds.add(s.pkg);
  for (const p of Object.values(next.profiles)) for (const pkg of p.packages) if (pkg === null || !prevPaths.has(pkg)) builds.add(pkg);
  for (const pkg of builds) steps.push({ kind: 'build', pkg });

  // Every target is asked what it lacks of its profile's closure; `paths` is what is new to it.
  const targets = Object.keys(next.infrastructure).sort();
  for (const t of targets) {
    const old = new Set(prev.profiles[t]?.packages ?? []);
    steps.push({ kind: 'distribute', target: t, paths: (next.profiles[t]?.packages ?? []).filter((p) => p === null || !old.has(p)) });
  }
  if (!options.noLock) for (const t of targets) steps.push({ kind: 'lock', target: t });

  const cores = coresOf(next, prev);
  const serviceStep = (kind: 'activate' | 'deactivate', index: ManifestIndex) => ([job, round]: [Job & { m: ServiceMapping }, number]): Step => ({
    kind,
    target: job.m.target,
    service: index.nameOf(job.m.service),
    container: job.m.container,
    hash: job.m.service,
    mapping: job.m,
    after: job.waitsFor,
    round,
  });
  const { deactivations, activations } = transitionJobs(next, prev, equivalent, nextIndex, prevIndex);
  steps.push(...rounds(deactivations, cores).map(serviceStep('deactivate', prevIndex)));
  steps.push(...rounds(activations, cores).map(serviceStep('activate', nextIndex)));

  if (!options.noMigration) steps.push(...migrationSteps(next, previous, upgrade, options.deleteState ?? false, nextIndex, prevIndex));
  if (!options.noTargetProfiles) for (const t of targets) steps.push({ kind: 'set-profile', target: t, paths: next.profiles[t]?.packages ?? [] });
  if (!options.noCoordinatorProfile) steps.push({ kind: 'set-coordinator-profile' });
  if (!options.noLock) for (const t of targets) steps.push({ kind: 'unlock', target: t });
  return { next, previous, from: prev, upgrade, options, changes, steps, summary };
}

/** How many (de)activations each target runs at once: its `numOfCores`. */
export function coresOf(next: Manifest, from: Manifest): (target: string) => number {
  return (t) => Math.max(1, next.infrastructure[t]?.numOfCores ?? from.infrastructure[t]?.numOfCores ?? DEFAULT_NUM_OF_CORES);
}

/**
 * What a transition deactivates and activates, and what each waits for: a deactivation for the
 * mappings depending on it (in either manifest), an activation for the mappings it depends on.
 */
function transitionJobs(next: Manifest, prev: Manifest, equivalent: Map<string, string>, nextIndex: ManifestIndex, prevIndex: ManifestIndex) {
  const asOld = (m: DependencyMapping): string => `${equivalent.get(m.service) ?? m.service}\0${m.target}\0${m.container}`;
  const nextKeys = new Set(next.serviceMappings.map(asOld));
  const prevKeys = new Set(prev.serviceMappings.map(mappingKey));
  const dependsOn = (manifest: Manifest, m: ServiceMapping) => manifest.services[m.service]?.dependsOn ?? [];
  const dependents = new Map<string, string[]>();
  for (const [manifest, keyOf] of [[prev, mappingKey], [next, asOld]] as const) {
    for (const m of manifest.serviceMappings) {
      for (const d of dependsOn(manifest, m)) {
        const depKey = keyOf(d);
        const list = dependents.get(depKey);
        if (list) list.push(keyOf(m));
        else dependents.set(depKey, [keyOf(m)]);
      }
    }
  }
  const job = (m: ServiceMapping, index: ManifestIndex, waitsFor: string[]) => {
    const key = mappingKey(m);
    // Ready jobs start by target, then service name: plans read the same from run to run.
    return { key, target: m.target, order: `${m.target}\0${index.nameOf(m.service)}\0${key}`, waitsFor, m };
  };
  // Targets gone from the new infrastructure are unreachable: nothing is deactivated there.
  const deactivations = prev.serviceMappings
    .filter((m) => !nextKeys.has(mappingKey(m)) && next.infrastructure[m.target])
    .map((m) => job(m, prevIndex, [...new Set(dependents.get(mappingKey(m)) ?? [])]));
  const activations = next.serviceMappings.filter((m) => !prevKeys.has(asOld(m))).map((m) => job(m, nextIndex, [...new Set(dependsOn(next, m).map(mappingKey))]));
  return { deactivations, activations };
}

/**
 * State moves (`deployState` services): components leaving a place are snapshotted there (with
 * `noUpgrade`, every one); where a component arrives that has state elsewhere, that state is
 * brought along and restored; `deleteState` then removes what was left behind.
 */
function migrationSteps(next: Manifest, previous: Manifest | undefined, upgrade: boolean, deleteState: boolean, nextIndex: ManifestIndex, prevIndex: ManifestIndex): Step[] {
  if (!previous) return [];
  const prevIndexOfState = upgrade ? prevIndex : new ManifestIndex(previous);
  const key = (m: SnapshotMapping) => `${m.component}\0${m.target}\0${m.container}`;
  const before = new Set(upgrade ? previous.snapshotMappings.map(key) : []);
  const after = new Set(next.snapshotMappings.map(key));
  const stateStep = (kind: 'snapshot' | 'delete-state' | 'restore', m: SnapshotMapping, index: ManifestIndex): Step => ({ kind, target: m.target, service: index.nameOf(m.service), container: m.container, hash: m.service, mapping: m });
  // Targets gone from the new infrastructure are unreachable: no state is taken from there.
  const leaving = previous.snapshotMappings.filter((m) => (!upgrade || !after.has(key(m))) && next.infrastructure[m.target]);
  const steps = leaving.map((m) => stateStep('snapshot', m, prevIndexOfState));
  const sources = new Map<string, SnapshotMapping>();
  for (const m of previous.snapshotMappings) if (m.component !== null && !sources.has(m.component)) sources.set(m.component, m);
  for (const m of next.snapshotMappings) {
    const source = m.component === null ? undefined : sources.get(m.component);
    if (before.has(key(m)) || !source) continue;
    const elsewhere = source.target !== m.target || source.container !== m.container;
    steps.push({ ...stateStep('restore', m, nextIndex), ...(elsewhere ? { from: { target: source.target, container: source.container } } : {}) });
  }
  if (deleteState) steps.push(...leaving.map((m) => stateStep('delete-state', m, prevIndexOfState)));
  return steps;
}

/** The plan without its manifests, as `dnx plan --json` prints it. */
export function planSummary(plan: TransitionPlan): Pick<TransitionPlan, 'upgrade' | 'options' | 'changes' | 'summary' | 'steps'> {
  const { upgrade, options, changes, summary, steps } = plan;
  return { upgrade, options, changes, summary, steps };
}
