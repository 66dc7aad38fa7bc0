// `disnix-env`'s orchestration: what a deployment goes from and to (the models, a generation
// to roll back or switch to, or nothing), building it into the coordinator's store, the one
// transition plan, and recording it as a coordinator generation once the targets run it.
// `dnx deploy` (cli/deploy.ts) only reads its arguments into these options and prints.

import { join } from 'node:path';
import type { Analysis } from '../model/analyse';
import type { Diagnostic } from '../nix/diagnostic';
import { StoreSources } from '../nix/store';
import type { Lazy } from '../nix/values';
import type { CoordinatorProfile } from '../plan/coordinator';
import { buildManifest } from '../plan/manifest';
import { planTransition, type TransitionOptions, type TransitionPlan } from '../plan/transition';
import { emptyManifest, type Manifest } from '../plan/types';
import { buildOnTargets } from './build-on-targets';
import type { Clients } from './clients';
import { DeployError } from './errors';
import { execute, type DeployResult, type ExecuteOptions } from './executor';
import { DeployJournal, whatRuns, type InterruptedDeployment } from './journal';
import { buildSpec, nixBuild } from './nix-build';
import { nixInstalled, NixStore } from './nix-store';
import { realise, type NixBuilder } from './realise';
import { LocalStore } from './store';

/**
 * The coordinator's store under its state directory, over this machine's Nix store when Nix is
 * installed: what Nix builds stays there and the coordinator's store refers to it.
 */
export function coordinatorStores(stateDir: string): { store: LocalStore; nix?: NixStore } {
  const nix = nixInstalled() ? new NixStore() : undefined;
  return { store: new LocalStore(join(stateDir, 'store'), nix), nix };
}

/** The analysed models; with `undeploy`, only their targets (everything on them is removed). */
export interface ModelsSource {
  kind: 'models';
  analysis: Analysis;
  extraParams?: { values?: Map<string, Lazy>; expression?: string };
  deployState: boolean;
  undeploy?: boolean;
}

/** What to deploy: the models, a generation again, or nothing at all. */
export type DeploymentSource = ModelsSource | { kind: 'generation'; /** Absent: the one before the current (`--rollback`). */ number?: number } | { kind: 'undeploy' };

export interface EnvOptions {
  profile: CoordinatorProfile;
  store: LocalStore;
  /** This machine's Nix, when installed: derivations are built with it. */
  nix?: NixStore;
  /** One client per target for the whole run: building on the targets and deploying share the connections. */
  clients: Clients;
  transition: TransitionOptions;
  /** `--dry-run`: plan only; nothing is built. */
  dryRun?: boolean;
  /** `--build-on-targets`: Nix instantiates here, the targets build, the results come back. */
  buildOnTargets?: boolean;
  /** Where Nix's build log goes, line by line. */
  log?: (line: string) => void;
}

/** What building the models takes: without clients, no connection is opened (and nothing is built on targets). */
export type BuildOptions = Pick<EnvOptions, 'store' | 'nix' | 'dryRun' | 'buildOnTargets' | 'log'> & { clients?: Clients };

/** A planned deployment, ready to run. */
export interface Deployment {
  plan: TransitionPlan;
  /** Records the deployment: a new generation, or a move to an existing one. */
  record: () => void;
  /** What is deployed, in words ("the models", "generation 3"). */
  describe: string;
  /** What the plan was compared with, in words; absent when nothing was deployed. */
  against?: string;
  /** An earlier deployment that did not end cleanly, which this one starts from. */
  interrupted?: InterruptedDeployment;
  analysis?: Analysis;
}

export interface Prepared {
  /** Absent when the models have errors. */
  deployment?: Deployment;
  /** The models' errors and warnings. */
  diagnostics: Diagnostic[];
}

export async function prepareDeployment(source: DeploymentSource, o: EnvOptions): Promise<Prepared> {
  const { profile } = o;
  const journal = new DeployJournal(profile.journalFile);
  const interrupted = journal.read();
  const recorded = profile.read();
  // After an interrupted deployment, what runs is what its journal says, not the last generation.
  const from = (next: Manifest) => (interrupted ? whatRuns(interrupted, next) : recorded);
  const against = interrupted ? 'what the interrupted deployment left running' : recorded ? profile.describeCurrent() : undefined;
  const planned = (next: Manifest, record: () => void, describe: string, analysis?: Analysis): Deployment => ({ plan: planTransition(next, from(next), o.transition), record, describe, against, interrupted, analysis });

  if (source.kind === 'generation') {
    const current = profile.currentNumber();
    const n = source.number ?? profile.generations().map((g) => g.number).filter((g) => current !== undefined && g < current).at(-1);
    if (n === undefined) throw new DeployError(`there is no generation before the current one (${current ?? 'none'}) to roll back to`);
    const next = profile.read(n)!;
    return { deployment: planned(next, () => profile.switchTo(n), `generation ${n}`), diagnostics: [] };
  }
  // A deployment that changed nothing adds no generation.
  const addGeneration = (next: Manifest) => () => void (recorded && JSON.stringify(recorded) === JSON.stringify(next) ? undefined : profile.add(next));
  if (source.kind === 'undeploy') {
    const deployed = from(emptyManifest());
    if (!deployed) throw new DeployError('nothing is deployed, so there is nothing to undeploy');
    const next = await realise(emptyManifest(deployed.infrastructure), new StoreSources(), o.store);
    return { deployment: planned(next, addGeneration(next), 'nothing (undeploy)'), diagnostics: [] };
  }
  const built = await buildModels(source, o);
  const next = built.manifest && (source.undeploy ? await realise(emptyManifest(built.manifest.infrastructure), new StoreSources(), o.store, { planOnly: o.dryRun }) : built.manifest);
  return { deployment: next && planned(next, addGeneration(next), source.undeploy ? 'nothing (undeploy)' : 'the models', source.analysis), diagnostics: built.diagnostics };
}

/**
 * `disnix-manifest`: the manifest of the models, its packages and the target profiles built
 * into the coordinator's store (with `dryRun`, named but not built); none when the models have
 * errors. The diagnostics are the models' errors and warnings.
 */
export async function buildModels(source: ModelsSource, o: BuildOptions): Promise<{ manifest?: Manifest; diagnostics: Diagnostic[] }> {
  const { analysis } = source;
  const { manifest, diagnostics, sources } = buildManifest(analysis, { deployState: source.deployState, extraParams: source.extraParams?.values });
  const shown = diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  if (!manifest) return { diagnostics: shown };
  if (source.undeploy) return { manifest, diagnostics: shown };
  refuseAbsentCheckouts(analysis, manifest);
  // Connections open while the coordinator builds.
  if (!o.dryRun) o.clients?.prepare(manifest.infrastructure);
  const build = o.nix ? nixBuilder(source, analysis, manifest, o, o.nix) : undefined;
  return { manifest: await realise(manifest, sources, o.store, { build, planOnly: o.dryRun }), diagnostics: shown };
}

/**
 * Services not known because a checkout they are built from is not on this machine cannot be
 * deployed from it: say which, and where that checkout was expected, before anything is built.
 */
function refuseAbsentCheckouts(analysis: Analysis, manifest: Manifest): void {
  const absent = analysis.diagnostics.find((d) => d.code === 'unavailable-path');
  const unknown = Object.values(manifest.services).filter((s) => s.pkg === null).map((s) => s.name);
  if (!absent || unknown.length === 0) return;
  const path = absent.message.slice(0, absent.message.indexOf(' is not on this machine'));
  throw new DeployError(`cannot deploy ${unknown.join(', ')}: ${path} (${absent.loc.source.describe(absent.loc.start)}) is not on this machine, and what is built from it is not known; put that checkout there, or give its place with --extra-params`);
}

/** Builds derivations with this machine's Nix, or (`--build-on-targets`) instantiates them here and builds them on the targets. */
function nixBuilder(source: ModelsSource, analysis: Analysis, manifest: Manifest, o: BuildOptions, nix: NixStore): NixBuilder {
  const log = o.log ?? (() => undefined);
  const extraParams = source.extraParams?.expression;
  return async (services) => {
    const spec = buildSpec(analysis.model, analysis.files, services);
    if (!o.buildOnTargets) return nixBuild(spec, { extraParams, log });
    const clients = o.clients;
    if (!clients) throw new DeployError('building on the targets needs their clients');
    const built = await nixBuild(spec, { extraParams, log, instantiateOnly: true });
    clients.add(manifest.infrastructure);
    await buildOnTargets(built, analysis.model, { client: (t) => clients.get(t), store: o.store, nix, log });
    return built;
  };
}

/** Runs a planned deployment; the coordinator generation is recorded as its set-coordinator-profile step. */
export async function runDeployment(d: Deployment, o: EnvOptions, run: Omit<ExecuteOptions, 'client' | 'commit' | 'journal' | 'distribute'> & { maxConcurrentTransfers?: number }): Promise<DeployResult> {
  const { maxConcurrentTransfers, ...rest } = run;
  o.clients.add({ ...(d.plan.previous?.infrastructure ?? {}), ...d.plan.next.infrastructure });
  return execute(d.plan, {
    ...rest,
    client: (t) => o.clients.get(t),
    distribute: { store: o.store, maxConcurrentTransfers },
    commit: d.record,
    journal: new DeployJournal(o.profile.journalFile),
  });
}
