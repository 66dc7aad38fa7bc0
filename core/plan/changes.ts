// What a deployment changes, per service and target, and why: the human half of the plan.
// A service instance is identified by name and target; it is unchanged when its manifest
// mapping (identity hash, target, container) is the same in both manifests.

import { groupBy } from '../collections';
import type { DependencyMapping, Manifest, ServiceMapping } from './types';

export type ChangeStatus = 'new' | 'removed' | 'changed' | 'unchanged';

export interface ServiceChange {
  service: string;
  target: string;
  container: string;
  status: ChangeStatus;
  /** Why the service is (re)deployed or removed, in words; empty when unchanged. */
  reasons: string[];
  /**
   * The build could not be evaluated before building (it needs Nixpkgs): the service was
   * compared without its store path, and the build decides whether it really changes.
   */
  provisional?: boolean;
}

/** Per manifest: lookups by hash, and the "shape" identity that leaves builds out. */
export class ManifestIndex {
  private readonly shapes = new Map<string, string>();
  private readonly provisionals = new Map<string, boolean>();
  /** `name\0target` to the mappings of that service instance. */
  readonly instances = new Map<string, ServiceMapping[]>();
  /** Service name to the targets it runs on. */
  readonly targetsOf = new Map<string, Set<string>>();

  constructor(readonly manifest: Manifest) {
    for (const m of manifest.serviceMappings) {
      const name = this.nameOf(m.service);
      const key = `${name}\0${m.target}`;
      const list = this.instances.get(key);
      if (list) list.push(m);
      else this.instances.set(key, [m]);
      const targets = this.targetsOf.get(name);
      if (targets) targets.add(m.target);
      else this.targetsOf.set(name, new Set([m.target]));
    }
  }

  nameOf(hash: string): string {
    return this.manifest.services[hash]?.name ?? hash;
  }

  /** Whether the identity of `hash` rests on a build that is not known yet. */
  provisional(hash: string): boolean {
    const known = this.provisionals.get(hash);
    if (known !== undefined) return known;
    this.provisionals.set(hash, false);
    const s = this.manifest.services[hash];
    const result = !!s && (s.pkg === null || s.dependsOn.some((d) => this.provisional(d.service)));
    this.provisionals.set(hash, result);
    return result;
  }

  /** The identity without builds: name, type and the same for each dependency, recursively. */
  shape(hash: string): string {
    const known = this.shapes.get(hash);
    if (known !== undefined) return known;
    this.shapes.set(hash, hash);
    const s = this.manifest.services[hash];
    const result = s ? `${s.name}(${s.type})[${s.dependsOn.map((d) => `${this.shape(d.service)}@${d.target}/${d.container}`).join(',')}]` : hash;
    this.shapes.set(hash, result);
    return result;
  }
}

function sameMapping(a: ServiceMapping, b: ServiceMapping): boolean {
  return a.service === b.service && a.container === b.container && a.containerProvidedByService === b.containerProvidedByService;
}

/**
 * Compares two manifests instance by instance. `equivalent` receives, for every provisional
 * instance judged unchanged, its new hash and the old hash it stands for.
 */
export function compareManifests(next: ManifestIndex, prev: ManifestIndex, equivalent: Map<string, string>): ServiceChange[] {
  const changes: ServiceChange[] = [];
  const keys = new Set([...prev.instances.keys(), ...next.instances.keys()]);
  const byTargetThenName = [...keys].map((key) => key.split('\0')).map(([service, target]) => [`${target}\0${service}`, service, target]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, service, target] of byTargetThenName) {
    const key = `${service}\0${target}`;
    const now = next.instances.get(key)?.[0];
    const before = prev.instances.get(key)?.[0];
    if (now && !before) {
      const elsewhere = [...(prev.targetsOf.get(service) ?? [])].filter((t) => !next.targetsOf.get(service)?.has(t));
      const reason = elsewhere.length > 0 ? `moved from ${elsewhere.join(', ')}` : prev.targetsOf.has(service) ? 'a new replica' : 'a new service';
      changes.push({ service, target, container: now.container, status: 'new', reasons: [reason] });
    } else if (before && !now) {
      const elsewhere = [...(next.targetsOf.get(service) ?? [])].filter((t) => !prev.targetsOf.get(service)?.has(t));
      const reason = elsewhere.length > 0 ? `moved to ${elsewhere.join(', ')}` : next.targetsOf.has(service) ? 'one replica fewer' : next.manifest.infrastructure[target] ? 'no longer deployed' : `${target} is no longer in the infrastructure`;
      changes.push({ service, target, container: before.container, status: 'removed', reasons: [reason] });
    } else if (now && before) {
      changes.push(compareInstance(service, target, now, before, next, prev, equivalent));
    }
  }
  return changes;
}

function compareInstance(service: string, target: string, now: ServiceMapping, before: ServiceMapping, next: ManifestIndex, prev: ManifestIndex, equivalent: Map<string, string>): ServiceChange {
  const change: ServiceChange = { service, target, container: now.container, status: 'unchanged', reasons: [] };
  if (sameMapping(now, before)) return change;
  const provisional = next.provisional(now.service);
  if (provisional && now.container === before.container && next.shape(now.service) === prev.shape(before.service)) {
    equivalent.set(now.service, before.service);
    return { ...change, provisional: true };
  }
  change.status = 'changed';
  if (provisional) change.provisional = true;
  const a = next.manifest.services[now.service];
  const b = prev.manifest.services[before.service];
  if (a.type !== b.type) change.reasons.push(`its type changed from ${b.type} to ${a.type}`);
  if (a.pkg !== b.pkg && a.pkg !== null) change.reasons.push('its build changed');
  if (now.container !== before.container) change.reasons.push(`it moves from container ${before.container} to ${now.container}`);
  if (now.containerProvidedByService !== before.containerProvidedByService) change.reasons.push('the service providing its container changed');
  change.reasons.push(...dependencyReasons(a.dependsOn, b.dependsOn, next, prev));
  if (change.reasons.length === 0) change.reasons.push(provisional ? 'its build may have changed (not known before building)' : 'its identity changed');
  return change;
}

function dependencyReasons(now: DependencyMapping[], before: DependencyMapping[], next: ManifestIndex, prev: ManifestIndex): string[] {
  const group = (deps: DependencyMapping[], index: ManifestIndex) => groupBy(deps, (d) => index.nameOf(d.service));
  const a = group(now, next);
  const b = group(before, prev);
  const reasons: string[] = [];
  for (const [name, deps] of a) {
    const old = b.get(name);
    if (!old) {
      reasons.push(`it now depends on ${name}`);
      continue;
    }
    const was = new Set(old.map((d) => d.target));
    const is = new Set(deps.map((d) => d.target));
    const gained = [...is].filter((t) => !was.has(t)).sort().join(', ');
    const lost = [...was].filter((t) => !is.has(t)).sort().join(', ');
    if (gained && lost) reasons.push(`its dependency ${name} moved from ${lost} to ${gained}`);
    else if (gained) reasons.push(`its dependency ${name} now also runs on ${gained}`);
    else if (lost) reasons.push(`its dependency ${name} no longer runs on ${lost}`);
    else if (deps.some((d, i) => d.container !== old[i]?.container)) reasons.push(`its dependency ${name} changed container`);
    else if (deps.some((d, i) => d.service !== old[i]?.service)) reasons.push(`its dependency ${name} changed`);
  }
  for (const name of b.keys()) if (!a.has(name)) reasons.push(`it no longer depends on ${name}`);
  return reasons;
}
