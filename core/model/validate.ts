// The checks Disnix makes (and several it only trips over late, inside a build), run on the
// loaded model. Each diagnostic has a stable code, sits where the mistake is written, and
// points at the other places involved.

import { transportOf } from './client-interface';
import { diagnostic, type Diagnostic, type DiagnosticCode } from '../nix/diagnostic';
import type { Loc } from '../nix/source';
import { didYouMean, typo } from '../near-miss';
import { attributesOf, dysnomiaTypes, type ModelPart } from './schema';
import type { Dependency, DeploymentModel, Service, Target } from './types';

export function validateModel(model: DeploymentModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const add: Add = (code, message, loc, related, subject) => out.push(diagnostic(code, message, loc, related, subject));
  checkTargets(model, add);
  const provided = providedContainers(model);
  checkDistribution(model, provided, add);
  checkServices(model, provided, add);
  checkCycles(model, add);
  for (const [name, loc] of model.packages) {
    if (model.infrastructure.has(name)) continue;
    const t = typo(name, model.infrastructure.keys());
    add('unknown-target', `the packages model names target '${name}', which the infrastructure model does not define${didYouMean(t)}`, loc, undefined, t);
  }
  return out;
}

type Add = (code: DiagnosticCode, message: string, loc: Loc, related?: Diagnostic['related'], subject?: Diagnostic['subject']) => void;


const requiredServiceAttributes = attributesOf('service').filter((a) => a.missing);

function checkUnknownAttributes(names: string[], part: ModelPart, locOf: (name: string) => Loc, add: Add): void {
  const known = attributesOf(part);
  const knownNames = known.map((a) => a.name);
  for (const name of names) {
    if (knownNames.includes(name)) continue;
    const t = typo(name, knownNames);
    // Free-form attributes are legal; only a near-miss of a known name is likely a typo.
    if (!t.suggestion) continue;
    const structural = known.find((a) => a.name === t.suggestion)?.structural;
    const dropped = structural ? `: this ${part} has no ${t.suggestion}` : '';
    add(structural ? 'misspelt-attribute' : 'unknown-attribute', `'${name}' is not a ${part} attribute Disnix knows${dropped}${didYouMean(t)}`, locOf(name), undefined, t);
  }
}

function checkTargets(model: DeploymentModel, add: Add): void {
  const byAddress = new Map<string, string>();
  for (const t of model.infrastructure.values()) {
    checkUnknownAttributes([...t.attributes.keys()], 'target', (n) => t.attributes.get(n) ?? t.loc, add);
    const cores = t.numOfCores.value;
    if (cores !== undefined && !(typeof cores === 'bigint' && cores > 0n)) {
      add('invalid-num-of-cores', `numOfCores of target '${t.key}' must be a positive integer`, t.numOfCores.loc);
    }
    if (!t.properties.has(t.targetProperty.value)) {
      add('target-property-missing', `target '${t.key}' has no property '${t.targetProperty.value}', which holds its connection address (see targetProperty)`, t.attributes.get('properties') ?? t.loc);
      continue;
    }
    // A local target is this machine, with state of its own: its address names nothing.
    if (t.address === undefined || transportOf(t.clientInterface) === 'local') continue;
    const first = byAddress.get(t.address);
    if (first !== undefined) {
      const other = model.infrastructure.get(first)!;
      // Often meant: another property tells them apart (VirtualBox NAT, a laptop: sshTarget, targetEPR).
      const apart = distinguishing(other, t);
      add(
        'duplicate-target-address',
        `targets '${first}' and '${t.key}' have the same address '${t.address}' (${t.targetProperty.value}): Disnix takes them for one machine and deploys what is mapped to ${t.key} to ${first}${apart ? `; set targetProperty = "${apart}" to tell them apart` : ''}`,
        t.properties.get(t.targetProperty.value)!.loc,
        [{ loc: other.properties.get(other.targetProperty.value)!.loc, message: `'${first}' has the address '${t.address}' too` }],
        { name: t.key, ...(apart ? { suggestion: apart } : {}) },
      );
    } else byAddress.set(t.address, t.key);
  }
}

/** A property both targets have, with string values that differ: one that could be their address. */
function distinguishing(a: Target, b: Target): string | undefined {
  for (const [name, p] of a.properties) {
    const q = b.properties.get(name)?.value;
    if (name !== a.targetProperty.value && typeof p.value === 'string' && typeof q === 'string' && p.value !== q) return name;
  }
  return undefined;
}

function checkDistribution(model: DeploymentModel, provided: Set<string>, add: Add): void {
  for (const m of model.distribution.values()) {
    const service = model.services.get(m.service);
    if (!service) {
      const t = typo(m.service, model.services.keys());
      add('unknown-service', `the distribution maps '${m.service}', which the services model does not define${didYouMean(t)}`, m.loc, undefined, t);
      continue;
    }
    if (service.type?.value === 'package') continue;
    for (const t of m.targets) {
      const target = model.infrastructure.get(t.target);
      // A target that declares no containers at all gets them from Dysnomia's defaults; a
      // service there whose definition is not known may provide the container.
      if (!target?.containers || !t.container || t.containerProvidedByService || target.containers.has(t.container) || unknownServiceOn(model, t.target)) continue;
      // An unknown type is reported on its own; its container would only repeat it.
      if (!t.explicitContainer && !isKnownType(t.container, provided)) continue;
      // Disnix deploys it all the same: Dysnomia gets no properties, and only a dependent's build
      // that reads this container fails, where it reads it (core/plan/builds.ts).
      // The fixes: declare it on the target, or (named in the mapping) pick one the target has.
      const others = t.explicitContainer ? [...target.containers.keys()].sort() : [];
      add('unknown-container', `${t.target} declares no container '${t.container}'${t.explicitContainer ? '' : ` (the type of ${m.service})`} and no service on it provides one: the module gets no properties`, t.containerLoc ?? t.loc, undefined, { name: t.container, owner: t.target, ...(others.length ? { alternatives: others } : {}) });
    }
  }
}

function unknownServiceOn(model: DeploymentModel, target: string): boolean {
  return [...model.distribution.values()].some((m) => model.services.get(m.service)?.unknown && m.targets.some((t) => t.target === target));
}

function isDistributed(model: DeploymentModel, key: string): boolean {
  return (model.distribution.get(key)?.targets.length ?? 0) > 0;
}

function providedContainers(model: DeploymentModel): Set<string> {
  const provided = new Set<string>();
  for (const s of model.services.values()) for (const c of s.providesContainers) provided.add(c.value);
  return provided;
}

function checkServices(model: DeploymentModel, provided: Set<string>, add: Add): void {
  const someUnknown = [...model.services.values()].some((s) => s.unknown);
  for (const s of model.services.values()) {
    // Nothing is known of it but that it exists: it may be mapped and depended on, and that is all.
    if (s.unknown) {
      if (!model.distribution.has(s.key)) add('service-not-distributed', `service '${s.key}' is not in the distribution, so it is not deployed`, s.loc, undefined, { name: s.key });
      continue;
    }
    checkUnknownAttributes([...s.attributes.keys()], 'service', (n) => s.attributes.get(n) ?? s.loc, add);
    for (const a of requiredServiceAttributes) if (!s.attributes.has(a.name)) add(a.missing!.code, `service '${s.key}' has no ${a.name}: ${a.missing!.why.replace('{key}', s.key)}`, s.loc, undefined, { name: s.key });
    if (s.name && s.name.value !== s.key) add('name-mismatch', `the name of service '${s.key}' is "${s.name.value}"; it must equal the attribute name`, s.name.loc, undefined, { name: s.name.value, suggestion: s.key });
    // A service whose definition is not known may provide the container a type names.
    if (s.type && !isKnownType(s.type.value, provided) && !someUnknown) {
      const t = typo(s.type.value, dysnomiaTypes.keys());
      add('unknown-type', `'${s.type.value}' is not a Dysnomia module${didYouMean(t)}`, s.type.loc, undefined, t);
    }
    // An entry mapping to no target (`[ ]`) is deliberate; only a missing one is flagged.
    if (!model.distribution.has(s.key)) {
      add('service-not-distributed', `service '${s.key}' is not in the distribution, so it is not deployed`, s.loc, undefined, { name: s.key });
    }
    for (const dep of [...s.dependsOn, ...s.connectsTo]) checkDependency(model, s, dep, add);
  }
}

function isKnownType(type: string, provided: Set<string>): boolean {
  return dysnomiaTypes.has(type) || type.startsWith('/') || type.startsWith('./') || provided.has(type);
}

function checkDependency(model: DeploymentModel, s: Service, dep: Dependency, add: Add): void {
  if (dep.service === undefined) return;
  const target = model.services.get(dep.service);
  if (!target) {
    const t = typo(dep.service, model.services.keys());
    add('unknown-service', `${dep.kind}.${dep.param} of '${s.key}' refers to '${dep.service}', which the services model does not define${didYouMean(t)}`, dep.loc, undefined, t);
    return;
  }
  if (target.type?.value === 'package') {
    add('dependency-on-package', `'${s.key}' may not depend on '${dep.service}': it has the type package, which is never activated`, dep.loc, [
      { loc: target.type.loc, message: `the type of '${dep.service}'` },
    ]);
  }
  if (isDistributed(model, s.key) && !isDistributed(model, dep.service)) {
    const alias = dep.param === dep.service ? '' : ` (service '${dep.service}')`;
    add('dependency-not-distributed', `inter-dependency '${dep.param}'${alias} of '${s.key}' is not deployed to any target, so '${s.key}' cannot be built`, dep.loc, [
      { loc: model.distribution.get(dep.service)?.loc ?? target.loc, message: `'${dep.service}' is ${model.distribution.has(dep.service) ? 'mapped to no target' : 'not in the distribution'}` },
    ], { name: dep.service });
  }
}

/** Cycles through `dependsOn` and `activatesAfter`, which order activation; `connectsTo` may cycle. */
function checkCycles(model: DeploymentModel, add: Add): void {
  const edges = new Map<string, Dependency[]>();
  for (const s of model.services.values()) edges.set(s.key, [...s.dependsOn, ...s.activatesAfter].filter((d) => d.service !== undefined && model.services.has(d.service)));
  const state = new Map<string, 'active' | 'done'>();
  const path: { service: string; via?: Dependency }[] = [];
  const reported = new Set<string>();
  const visit = (key: string, via?: Dependency): void => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'active') {
      const start = path.findIndex((p) => p.service === key);
      const cycle = [...path.slice(start + 1).map((p) => p.via!), via!];
      const names = [...path.slice(start).map((p) => p.service), key];
      const id = [...names.slice(0, -1)].sort().join('\0');
      if (reported.has(id)) return;
      reported.add(id);
      add('dependency-cycle', `dependency cycle: ${cyclePath(names)}`, cycle[0].loc, cycle.slice(1).map((d, i) => ({ loc: d.loc, message: `${names[i + 1]} ${d.kind} ${d.service}` })));
      return;
    }
    state.set(key, 'active');
    path.push({ service: key, via });
    for (const d of edges.get(key) ?? []) visit(d.service!, d);
    path.pop();
    state.set(key, 'done');
  };
  for (const key of model.services.keys()) visit(key);
}

/** The cycle's path for a message; a long one keeps both ends (the related notes list every step). */
function cyclePath(names: string[]): string {
  if (names.length <= 8) return names.join(' -> ');
  return `${names.slice(0, 4).join(' -> ')} -> ... (${names.length - 6} more) -> ${names.slice(-2).join(' -> ')}`;
}
