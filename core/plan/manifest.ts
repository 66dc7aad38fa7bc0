// The manifest of a deployment, computed from the analysed models as Disnix's
// generate-deployment-model does (../shared/reference/disnix.md §2): one manifest service per
// service and target system, keyed by its identity hash; service and snapshot mappings; the
// normalised infrastructure; and per target the profile to install, planned until built.

import type { Analysis } from '../model/analyse';
import { loadDeployment, PKGS } from '../model/load';
import type { Dependency, DeploymentModel, Service } from '../model/types';
import { DEFAULT_NUM_OF_CORES } from '../model/schema';
import { callWithFormals } from '../nix/call';
import { diagnostic, type Diagnostic } from '../nix/diagnostic';
import { EvalError } from '../nix/errors';
import type { StoreSources } from '../nix/store';
import { NixAttrs, type Lazy, type Value } from '../nix/values';
import { dependencyRefs, providedContainers, ServiceBuilds } from './builds';
import { serviceHash } from './identity';
import { toJsonObject } from '../model/json';
import type { DependencyMapping, Manifest, ManifestService, ManifestTarget, ServiceMapping, SnapshotMapping, TargetProfile } from './types';

export interface ManifestOptions {
  /** `--deploy-state`: services without `deployState` have their state migrated too. */
  deployState?: boolean;
  extraParams?: Map<string, Lazy>;
}

export interface ManifestResult {
  /** Undefined when the models have errors: a manifest is only made of a valid deployment. */
  manifest?: Manifest;
  diagnostics: Diagnostic[];
  /** Where the manifest's copied paths and `toFile` texts come from: this evaluation's, for realising it. */
  sources: StoreSources;
}

export function buildManifest(analysis: Analysis, options: ManifestOptions = {}): ManifestResult {
  const sources = analysis.evaluator.storeSources;
  if (analysis.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: analysis.diagnostics, sources };
  const builder = new ManifestBuilder(analysis, options);
  try {
    const manifest = builder.build();
    const diagnostics = [...analysis.diagnostics, ...builder.diagnostics];
    return diagnostics.some((d) => d.severity === 'error') ? { diagnostics, sources } : { manifest, diagnostics, sources };
  } catch (e) {
    const at = e instanceof EvalError ? (e.loc ?? [...analysis.model.services.values(), ...analysis.model.infrastructure.values()][0]?.loc) : undefined;
    if (!at) throw e;
    return { diagnostics: [...analysis.diagnostics, ...builder.diagnostics, diagnostic('eval-error', (e as EvalError).message, at)], sources };
  }
}

/** A target of the infrastructure model, normalised as the manifest holds it. */
export function manifestTarget(analysis: Analysis, key: string): ManifestTarget {
  const t = analysis.model.infrastructure.get(key)!;
  const properties: ManifestTarget['properties'] = {};
  for (const [name, p] of t.properties) if (p.value !== undefined) properties[name] = p.value;
  const containers: ManifestTarget['containers'] = {};
  for (const [name, c] of t.containers ?? []) containers[name] = c.value;
  const cores = t.numOfCores.value;
  return {
    properties,
    containers,
    system: t.system,
    numOfCores: typeof cores === 'bigint' ? Number(cores) : typeof cores === 'number' ? cores : DEFAULT_NUM_OF_CORES,
    clientInterface: t.clientInterface,
    targetProperty: t.targetProperty.value,
  };
}

/** The normalised infrastructure alone, for the commands that only talk to the targets. */
export function manifestInfrastructure(analysis: Analysis): Record<string, ManifestTarget> {
  return Object.fromEntries([...analysis.model.infrastructure.keys()].map((k) => [k, manifestTarget(analysis, k)]));
}

class ManifestBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly perSystem = new Map<string, { model: DeploymentModel; builds: ServiceBuilds }>();
  private readonly identities = new Map<string, { hash: string; dependsOn: DependencyMapping[] }>();
  private readonly hashing = new Set<string>();

  constructor(
    private readonly analysis: Analysis,
    private readonly options: ManifestOptions,
  ) {
    this.perSystem.set(analysis.model.system, { model: analysis.model, builds: new ServiceBuilds(analysis.evaluator, analysis.model) });
  }

  private get model(): DeploymentModel {
    return this.analysis.model;
  }

  /** The models evaluated for `system` (§1.8 rule 7: services are built per target system). */
  private forSystem(system: string): { model: DeploymentModel; builds: ServiceBuilds } {
    let entry = this.perSystem.get(system);
    if (!entry) {
      const { model, diagnostics } = loadDeployment(this.analysis.evaluator, this.analysis.files, { system, extraParams: this.options.extraParams, targetDefaults: this.analysis.targetDefaults });
      this.diagnostics.push(...diagnostics.filter((d) => d.severity === 'error'));
      entry = { model, builds: new ServiceBuilds(this.analysis.evaluator, model) };
      this.perSystem.set(system, entry);
    }
    return entry;
  }

  private systemOf(target: string): string {
    return this.model.infrastructure.get(target)!.system;
  }

  private pkg(key: string, system: string): string | null {
    const { model, builds } = this.forSystem(system);
    const service = model.services.get(key);
    return service ? builds.pkg(service) : null;
  }

  hash(key: string, system: string): string {
    return this.identity(key, system).hash;
  }

  /** The identity of `key` built for `system` (§2.2) and the dependsOn it was made of; dependencies first. */
  private identity(key: string, system: string): { hash: string; dependsOn: DependencyMapping[] } {
    const id = `${key}\0${system}`;
    const known = this.identities.get(id);
    if (known) return known;
    if (this.hashing.has(id)) throw new EvalError('other', `the dependencies of '${key}' form a cycle: the manifest cannot be computed`, this.model.services.get(key)?.loc);
    this.hashing.add(id);
    const service = this.model.services.get(key)!;
    const dependsOn = this.mappings(this.orderedDependencies(service));
    const identity = { hash: serviceHash({ name: service.name?.value ?? service.key, type: service.type?.value ?? '', pkg: this.pkg(key, system), dependsOn }), dependsOn };
    this.hashing.delete(id);
    this.identities.set(id, identity);
    return identity;
  }

  /** `activatesAfter // dependsOn`, by parameter name. */
  private orderedDependencies(service: Service): Dependency[] {
    const byParam = new Map<string, Dependency>();
    for (const d of [...service.activatesAfter, ...service.dependsOn]) byParam.set(d.param, d);
    return [...byParam.keys()].sort().map((p) => byParam.get(p)!);
  }

  private mappings(deps: Dependency[]): DependencyMapping[] {
    const out: DependencyMapping[] = [];
    for (const dep of deps) {
      if (dep.service === undefined) continue;
      for (const ref of dependencyRefs(this.model, dep)) out.push({ service: this.hash(dep.service, this.systemOf(ref.target)), target: ref.target, container: ref.container });
    }
    return out;
  }

  build(): Manifest {
    const manifest: Manifest = { version: 2, profiles: {}, services: {}, infrastructure: {}, serviceMappings: [], snapshotMappings: [] };
    const ev = this.analysis.evaluator;
    for (const key of this.model.infrastructure.keys()) manifest.infrastructure[key] = manifestTarget(this.analysis, key);
    for (const key of [...this.model.services.keys()].sort()) {
      const service = this.model.services.get(key)!;
      const targets = this.model.distribution.get(key)?.targets ?? [];
      if (service.type?.value === 'package' || targets.length === 0) continue;
      for (const system of new Set(targets.map((t) => this.systemOf(t.target)))) {
        const { hash, dependsOn } = this.identity(key, system);
        const entry: ManifestService = {
          name: service.name?.value ?? service.key,
          type: service.type?.value ?? '',
          pkg: this.pkg(key, system),
          dependsOn,
          connectsTo: this.mappings([...service.connectsTo].sort((a, b) => (a.param < b.param ? -1 : a.param > b.param ? 1 : 0))),
        };
        if (service.providesContainers.length > 0) entry.providesContainers = toJsonObject(ev, providedContainers(ev, service)) as ManifestService['providesContainers'];
        manifest.services[hash] = entry;
      }
      const stateful = this.deployState(service);
      for (const t of targets) {
        const system = this.systemOf(t.target);
        const mapping: ServiceMapping = { service: this.hash(key, system), target: t.target, container: t.container };
        if (t.containerProvidedByService) mapping.containerProvidedByService = this.hash(t.containerProvidedByService, system);
        manifest.serviceMappings.push(mapping);
        if (stateful) {
          const pkg = this.pkg(key, system);
          const snapshot: SnapshotMapping = { ...mapping, component: pkg === null ? null : pkg.slice(pkg.lastIndexOf('/') + 1).slice(33) };
          manifest.snapshotMappings.push(snapshot);
        }
      }
    }
    manifest.profiles = this.profiles();
    this.diagnostics.push(...[...this.perSystem.values()].flatMap((s) => s.builds.diagnostics));
    return manifest;
  }

  private deployState(service: Service): boolean {
    return service.deployState ?? this.options.deployState === true;
  }

  /** Per target, every build of the services mapped there plus its packages-model entries. */
  private profiles(): Record<string, TargetProfile> {
    const profiles: Record<string, TargetProfile> = {};
    for (const key of this.model.infrastructure.keys()) profiles[key] = { packages: [] };
    for (const key of [...this.model.services.keys()].sort()) {
      const seen = new Set<string>();
      for (const t of this.model.distribution.get(key)?.targets ?? []) {
        if (seen.has(t.target)) continue;
        seen.add(t.target);
        profiles[t.target].packages.push(this.pkg(key, this.systemOf(t.target)));
      }
    }
    const packagesFile = this.analysis.files.packages;
    if (packagesFile) for (const [target, pkgs] of this.packagesModel(packagesFile)) profiles[target]?.packages.push(...pkgs);
    return profiles;
  }

  /** The packages model (`-P`): target name to the store paths of its packages. */
  private packagesModel(path: string): Map<string, (string | null)[]> {
    const ev = this.analysis.evaluator;
    const perSystem = new Map<string, Value>();
    // Called once per target system, as Disnix evaluates it.
    const forSystem = (system: string) => {
      let set = perSystem.get(system);
      if (set === undefined) {
        set = ev.guard(() => ev.force(callWithFormals(ev, ev.force(ev.importFile(path, undefined)), new Map<string, Lazy>([['system', system], ['pkgs', PKGS]]))));
        perSystem.set(system, set);
      }
      return set;
    };
    const out = new Map<string, (string | null)[]>();
    for (const target of this.model.packages.keys()) {
      const set = forSystem(this.model.infrastructure.get(target)?.system ?? ev.currentSystem);
      const list = set instanceof NixAttrs ? ev.guard(() => ev.force(set.get(target)!)) : [];
      out.set(target, (Array.isArray(list) ? list : []).map((item) => {
        const r: unknown = ev.guard(() => ev.coerceToString(ev.force(item), new Set(), undefined, { copyToStore: true }));
        return typeof r === 'string' ? r : null;
      }));
    }
    return out;
  }
}
