// What each service's `pkg` evaluates to, as Disnix computes it (../shared/reference/disnix.md
// §1.2, §1.8 rule 7): a service with inter-dependencies has its `pkg` called with them, each
// the dependency's attributes plus `targets`/`target` describing where it runs. The result's
// store path is computed as Nix computes it, without building. Anything that needs Nixpkgs is
// unknown here, and so is the store path then.

import { diagnostic, type Diagnostic } from '../nix/diagnostic';
import { EvalError } from '../nix/errors';
import type { Evaluator } from '../nix/eval';
import type { Loc } from '../nix/source';
import { NixAttrs, Thunk, Unknown, isFunction, type Lazy, type Value } from '../nix/values';
import type { Dependency, DeploymentModel, Service, Target } from '../model/types';
import { RESERVED_SERVICE_ATTRIBUTES, DEFAULT_NUM_OF_CORES } from '../model/schema';

/** Attributes that `providesContainer` does not expose as container properties. */

const lazy = (compute: () => Value): Thunk => new Thunk(null, null, compute);

/** A service's containers: `providesContainers`, plus the one `providesContainer` names. */
export function providedContainers(ev: Evaluator, service: Service): NixAttrs {
  const vals = new Map<string, Lazy>();
  const explicit = service.evaluated.get('providesContainers');
  if (explicit !== undefined) {
    const set = ev.force(explicit);
    if (set instanceof NixAttrs) for (const n of set.sortedNames()) vals.set(n, set.get(n)!);
  }
  const single = service.evaluated.get('providesContainer');
  if (single !== undefined) {
    const name = ev.force(single);
    if (typeof name === 'string') {
      const props = new Map(service.evaluated.vals);
      for (const r of RESERVED_SERVICE_ATTRIBUTES) props.delete(r);
      vals.set(name, new NixAttrs(props));
    }
  }
  return new NixAttrs(vals);
}

/** One instance of a service: a target, a container, and the service providing it, if any. */
export interface TargetRef {
  target: string;
  container: string;
  containerProvidedByService?: string;
}

/** The instances a dependency refers to: those its reference names, else all of them. */
export function dependencyRefs(model: DeploymentModel, dep: Dependency): TargetRef[] {
  const mapped = model.distribution.get(dep.service!)?.targets ?? [];
  if (!dep.targets) return mapped;
  const type = model.services.get(dep.service!)?.type?.value ?? '';
  return dep.targets.map((t) => mapped.find((m) => m.target === t) ?? { target: t, container: type });
}

export class ServiceBuilds {
  readonly diagnostics: Diagnostic[] = [];
  private readonly params = new Map<string, NixAttrs>();
  private readonly pkgs = new Map<string, string | null>();

  constructor(
    private readonly ev: Evaluator,
    private readonly model: DeploymentModel,
  ) {}

  /**
   * The store path `service`'s build gets (`"${pkg}"`), `null` when it cannot be known before
   * building. An evaluation error becomes a diagnostic where it arose.
   */
  pkg(service: Service): string | null {
    const known = this.pkgs.get(service.key);
    if (known !== undefined) return known;
    if (service.unknown) return null;
    const at = service.loc;
    let result: string | null = null;
    try {
      // `guard` turns an unknown value met on the way into that value.
      const r: unknown = this.ev.guard(() => {
        const v = service.evaluated.get('pkg');
        if (v === undefined) throw new EvalError('other', `service '${service.key}' has no 'pkg'`, at);
        let pkg = this.ev.force(v, at);
        const params = this.interDependencyParams(service);
        if (params.size > 0) {
          if (!isFunction(pkg)) throw new EvalError('type', `'pkg' of ${service.key} must be a function of its inter-dependencies (${params.sortedNames().join(', ')})`, at);
          pkg = this.ev.call(pkg, [params], at);
        }
        if (pkg instanceof Unknown) return null;
        return this.ev.coerceToString(pkg, new Set(), at, { copyToStore: true });
      });
      result = typeof r === 'string' ? r : null;
    } catch (e) {
      if (!(e instanceof EvalError)) throw e;
      this.report(e, at);
    }
    this.pkgs.set(service.key, result);
    return result;
  }

  private report(e: EvalError, at: Loc): void {
    this.diagnostics.push(diagnostic('build-error', e.message, e.loc ?? at));
  }

  /** `connectsTo // dependsOn`, each as the dependency's attributes plus where it runs. */
  interDependencyParams(service: Service): NixAttrs {
    const known = this.params.get(service.key);
    if (known) return known;
    const vals = new Map<string, Lazy>();
    const result = new NixAttrs(vals);
    // Stored before it is filled: `connectsTo` may be cyclic, and everything below is lazy.
    this.params.set(service.key, result);
    for (const dep of [...service.connectsTo, ...service.dependsOn]) {
      const depService = dep.service === undefined ? undefined : this.model.services.get(dep.service);
      // A dependency whose definition is not known here is passed as such: what reads it is unknown too.
      if (!depService || depService.unknown) {
        if (dep.service === undefined || depService) vals.set(dep.param, new Unknown(`inter-dependency '${dep.param}' is not known here`, dep.loc));
        continue;
      }
      vals.set(dep.param, lazy(() => this.dependencyParam(depService, dependencyRefs(this.model, dep))));
    }
    return result;
  }

  private dependencyParam(dep: Service, refs: TargetRef[]): NixAttrs {
    const vals = new Map(dep.evaluated.vals);
    for (const k of ['activatesAfter', 'connectsTo', 'dependsOn']) vals.delete(k);
    if (!vals.has('deployState')) vals.set('deployState', false);
    const targets = refs.map((r) => lazy(() => this.targetParam(r)));
    vals.set('targets', targets);
    vals.set('target', lazy(() => {
      if (targets.length === 0) throw new EvalError('other', `inter-dependency '${dep.key}' is not deployed to any target`, dep.loc);
      return this.ev.force(targets[0]);
    }));
    if (dep.connectsTo.length + dep.dependsOn.length > 0) vals.set('connectsTo', lazy(() => this.interDependencyParams(dep)));
    return new NixAttrs(vals, dep.evaluated.locs);
  }

  /** A target as a dependent's build sees it: without `containers`, with the one selected. */
  private targetParam(ref: TargetRef): NixAttrs {
    const target = this.model.infrastructure.get(ref.target)!;
    const vals = normalisedTarget(target);
    vals.delete('containers');
    vals.set('selectedContainer', ref.container);
    vals.set('container', lazy(() => this.containerProperties(target, ref)));
    return new NixAttrs(vals, target.evaluated.locs);
  }

  /** From the service providing the container (found by the model's normalisation), else the target's. */
  private containerProperties(target: Target, { container, containerProvidedByService }: TargetRef): NixAttrs {
    const provider = containerProvidedByService === undefined ? undefined : this.model.services.get(containerProvidedByService);
    const provided = provider && providedContainers(this.ev, provider).get(container);
    if (provided !== undefined) return this.ev.force(provided) as NixAttrs;
    const containers = target.evaluated.get('containers');
    const set = containers === undefined ? undefined : this.ev.force(containers);
    const props = set instanceof NixAttrs ? set.get(container) : undefined;
    // As Disnix's `target.containers.${selectedContainer}`: Nix's error, located (by the evaluator) where the build reads it.
    if (props === undefined) throw new EvalError('missing-attribute', `attribute '${container}' missing`, undefined, { missingAttribute: container });
    return this.ev.force(props) as NixAttrs;
  }
}

/** A target's attributes with Disnix's defaults (filled in by the model's loading, §1.3). */
function normalisedTarget(target: Target): Map<string, Lazy> {
  const vals = new Map(target.evaluated.vals);
  vals.set('system', target.system);
  if (!vals.has('numOfCores')) vals.set('numOfCores', BigInt(DEFAULT_NUM_OF_CORES));
  vals.set('clientInterface', target.clientInterface);
  vals.set('targetProperty', target.targetProperty.value);
  return vals;
}
