// What each service's `pkg` evaluates to, as Disnix computes it (../shared/reference/disnix.md
// §1.2, §1.8 rule 7): a service with inter-dependencies has its `pkg` called with them, each
// the dependency's attributes plus `targets`/`target` describing where it runs. The result's
// store path is computed as Nix computes it, without building. Anything that needs Nixpkgs is
// unknown here, and so is the store path then.

import type { Diagnostic } from '../nix/diagnostic';
import { EvalError } from '../nix/errors';
import type { Evaluator } from '../nix/eval';
import type { Loc } from '../nix/source';
import { NixAttrs, Thunk, Unknown, isFunction, type Lazy } from '../nix/values';
import { DEFAULT_CLIENT_INTERFACE, DEFAULT_TARGET_PROPERTY } from '../model/schema';
import type { Dependency, DeploymentModel, Service, Target } from '../model/types';

/** Attributes that `providesContainer` does not expose as container properties. */
const RESERVED = ['name', 'pkg', 'type', 'deployState', 'dependsOn', 'connectsTo', 'activatesAfter', 'providesContainer', 'providesContainers', 'targets'];

const lazy = (compute: () => import('../nix/values').Value): Thunk => new Thunk(null, null, compute);

/** A service's containers: `providesContainers`, plus the one `providesContainer` names. */
export function providedContainers(ev: Evaluator, service: Service): NixAttrs {
  const vals = new Map<string, Lazy>();
  const explicit = service.attrs.get('providesContainers');
  if (explicit !== undefined) {
    const set = ev.force(explicit);
    if (set instanceof NixAttrs) for (const n of set.sortedNames()) vals.set(n, set.get(n)!);
  }
  const single = service.attrs.get('providesContainer');
  if (single !== undefined) {
    const name = ev.force(single);
    if (typeof name === 'string') {
      const props = new Map(service.attrs.vals);
      for (const r of RESERVED) props.delete(r);
      vals.set(name, new NixAttrs(props));
    }
  }
  return new NixAttrs(vals);
}

export interface TargetRef {
  target: string;
  container: string;
}

export class ServiceBuilds {
  readonly diagnostics: Diagnostic[] = [];
  private readonly params = new Map<string, NixAttrs>();
  private readonly pkgs = new Map<string, string | null>();

  constructor(
    private readonly ev: Evaluator,
    private readonly model: DeploymentModel,
  ) {}

  /** The instances a dependency refers to: those its reference names, else all of them. */
  dependencyRefs(dep: Dependency): TargetRef[] {
    const service = this.model.services.get(dep.service!);
    const mapped = this.model.distribution.get(dep.service!)?.targets ?? [];
    if (!dep.targets) return mapped;
    return dep.targets.map((t) => mapped.find((m) => m.target === t) ?? { target: t, container: service?.type?.value ?? '' });
  }

  /**
   * The store path `service`'s build gets (`"${pkg}"`), `null` when it cannot be known before
   * building. An evaluation error becomes a diagnostic where it arose.
   */
  pkg(service: Service): string | null {
    const known = this.pkgs.get(service.key);
    if (known !== undefined) return known;
    const at = service.loc;
    let result: string | null = null;
    try {
      // `guard` turns an unknown value met on the way into that value.
      const r: unknown = this.ev.guard(() => {
        const v = service.attrs.get('pkg');
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
    this.diagnostics.push({ code: 'build-error', severity: 'error', message: e.message, loc: e.loc ?? at });
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
      if (!depService) continue;
      vals.set(dep.param, lazy(() => this.dependencyParam(depService, this.dependencyRefs(dep))));
    }
    return result;
  }

  private dependencyParam(dep: Service, refs: TargetRef[]): NixAttrs {
    const vals = new Map(dep.attrs.vals);
    for (const k of ['activatesAfter', 'connectsTo', 'dependsOn']) vals.delete(k);
    if (!vals.has('deployState')) vals.set('deployState', false);
    const targets = refs.map((r) => lazy(() => this.targetParam(r)));
    vals.set('targets', targets);
    vals.set('target', lazy(() => {
      if (targets.length === 0) throw new EvalError('other', `inter-dependency '${dep.key}' is not deployed to any target`, dep.loc);
      return this.ev.force(targets[0]);
    }));
    if (dep.connectsTo.length + dep.dependsOn.length > 0) vals.set('connectsTo', lazy(() => this.interDependencyParams(dep)));
    return new NixAttrs(vals, dep.attrs.locs);
  }

  /** A target as a dependent's build sees it: without `containers`, with the one selected. */
  private targetParam(ref: TargetRef): NixAttrs {
    const target = this.model.infrastructure.get(ref.target)!;
    const vals = normalisedTarget(target);
    vals.delete('containers');
    vals.set('selectedContainer', ref.container);
    vals.set('container', lazy(() => this.containerProperties(target, ref.container)));
    return new NixAttrs(vals, target.attrs.locs);
  }

  private containerProperties(target: Target, container: string): NixAttrs {
    for (const [name, mapping] of this.model.distribution) {
      const provider = this.model.services.get(name);
      if (!provider?.providesContainers.some((c) => c.value === container) || !mapping.targets.some((t) => t.target === target.key)) continue;
      const props = providedContainers(this.ev, provider).get(container);
      if (props !== undefined) return this.ev.force(props) as NixAttrs;
    }
    const containers = target.attrs.get('containers');
    const set = containers === undefined ? undefined : this.ev.force(containers);
    const props = set instanceof NixAttrs ? set.get(container) : undefined;
    if (props === undefined) throw new EvalError('other', `target '${target.key}' has no container '${container}'`, target.loc);
    return this.ev.force(props) as NixAttrs;
  }
}

/** A target's attributes with Disnix's defaults filled in (§1.3). */
export function normalisedTarget(target: Target): Map<string, Lazy> {
  const vals = new Map(target.attrs.vals);
  vals.set('system', target.system);
  if (!vals.has('numOfCores')) vals.set('numOfCores', 1n);
  vals.set('clientInterface', target.clientInterface ?? DEFAULT_CLIENT_INTERFACE);
  vals.set('targetProperty', target.targetProperty.value ?? DEFAULT_TARGET_PROPERTY);
  return vals;
}
