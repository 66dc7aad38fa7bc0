// Evaluates the model files and reads the deployment model out of them, as Disnix's
// normalisation does (../shared/reference/disnix.md §1.8). Everything is lazy: a service's
// `pkg` is never forced, and a value that is unknown (anything from `pkgs`, a secret read
// from a missing file) is skipped without a diagnostic. An evaluation error becomes an
// `eval-error` diagnostic where it arose, and the rest of the model is still read.

import { groupBy } from '../collections';
import { callWithFormals } from '../nix/call';
import { diagnostic, type Diagnostic, type DiagnosticCode } from '../nix/diagnostic';
import { EvalError } from '../nix/errors';
import { Evaluator } from '../nix/eval';
import { Source, type Loc } from '../nix/source';
import { NixAttrs, Thunk, Unknown, UnknownSignal, isString, showType, stringOf, type Lazy, type Value } from '../nix/values';
import { atCallSite, definitionSite } from './call-site';
import { transportOf } from './client-interface';
import { didYouMean, typo } from '../near-miss';
import { attributeSchema, attributesOf, DEFAULT_CLIENT_INTERFACE, DEFAULT_NUM_OF_CORES, DEFAULT_TARGET_PROPERTY, type AttributeKind, type ModelPart } from './schema';
import { toJsonValue } from './json';
import type { JsonValue } from '../json';
import type { Dependency, DependencyKind, DeploymentFiles, DeploymentModel, Located, Mapping, Service, Target } from './types';

/** What `--target-property` and `--interface` (or `DISNIX_TARGET_PROPERTY` and `DISNIX_CLIENT_INTERFACE`) set: the defaults of the targets that name none. */
export interface TargetDefaults {
  targetProperty?: string;
  clientInterface?: string;
}

/** `DISNIX_TARGET_PROPERTY` and `DISNIX_CLIENT_INTERFACE`, as the Disnix tools read them. */
export function targetDefaultsFrom(env: NodeJS.ProcessEnv): TargetDefaults {
  return { targetProperty: env.DISNIX_TARGET_PROPERTY || undefined, clientInterface: env.DISNIX_CLIENT_INTERFACE || undefined };
}

export interface LoadOptions {
  /** `--extra-params`: passed to the services and distribution functions that ask for them. */
  extraParams?: Map<string, Lazy>;
  /** The `system` the services are evaluated for; by default the first target's. */
  system?: string;
  targetDefaults?: TargetDefaults;
}

export interface LoadResult {
  model: DeploymentModel;
  diagnostics: Diagnostic[];
}

export function loadDeployment(ev: Evaluator, files: DeploymentFiles, options: LoadOptions = {}): LoadResult {
  const reader = new ModelReader(ev, options.extraParams ?? new Map(), options.system, options.targetDefaults ?? {});
  const model = reader.load(files);
  return { model, diagnostics: reader.diagnostics };
}

export const PKGS = new Unknown('Nixpkgs is not evaluated while editing models');

class ModelReader {
  readonly diagnostics: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  /** While a service is read: its definition and key, where what a helper wrote is reported. */
  private service: { site: Loc; key: Loc; all: Loc[] } | undefined;
  /** Dependencies read as unknown values, resolved once every service is read. */
  private readonly unknownDependencies: Dependency[] = [];
  private readonly model: DeploymentModel = { services: new Map(), infrastructure: new Map(), distribution: new Map(), packages: new Map(), system: '' };
  /** Target sets by identity, for resolving `infrastructure.test1` in mappings. */
  private readonly targetSets = new Map<NixAttrs, string>();
  private readonly fileLocs = new Map<string, Loc>();

  constructor(
    private readonly ev: Evaluator,
    private readonly extraParams: Map<string, Lazy>,
    private readonly system: string | undefined,
    private readonly targetDefaults: TargetDefaults,
  ) {}

  load(files: DeploymentFiles): DeploymentModel {
    if (files.architecture) {
      this.model.system = this.system ?? this.ev.currentSystem;
      this.loadArchitecture(files.architecture);
    } else {
      const infrastructure = files.infrastructure ? this.readFile(files.infrastructure, new Map()) : undefined;
      const infraSet = infrastructure === undefined ? undefined : this.expectSet(infrastructure, files.infrastructure!, 'the infrastructure model');
      if (infraSet) this.readInfrastructure(infraSet, this.fileLoc(files.infrastructure!));
      this.model.system = this.system ?? this.model.infrastructure.values().next().value?.system ?? this.ev.currentSystem;
      let distribution: NixAttrs | undefined;
      if (files.distribution && infraSet) {
        const d = this.readFile(files.distribution, new Map([['infrastructure', infraSet]]));
        distribution = d === undefined ? undefined : this.expectSet(d, files.distribution, 'the distribution model');
        if (distribution) this.readDistribution(distribution, this.fileLoc(files.distribution));
      }
      if (files.services) {
        let result: Lazy = null;
        const args = this.servicesArgs(distribution ?? new NixAttrs(new Map()), infraSet, () => result);
        const call = this.callFile(files.services, args);
        if (call) result = call;
        const s = call && this.force(call, this.fileLoc(files.services));
        const set = s === undefined ? undefined : this.expectSet(s, files.services, 'the services model');
        if (set) this.readServices(set, false, this.fileLoc(files.services));
      }
    }
    if (files.packages) this.readPackages(files.packages);
    this.normalise();
    return this.model;
  }

  // ----- errors -----

  /** Runs evaluation work; an error becomes a diagnostic, an unknown value `undefined`. */
  attempt<T>(work: () => T, at: Loc): T | undefined {
    try {
      return this.ev.guard(work);
    } catch (e) {
      if (e instanceof UnknownSignal) return undefined;
      if (!(e instanceof EvalError)) throw e;
      // Syntax errors and undefined variables were reported from the parse already.
      if (e.kind === 'syntax' || e.kind === 'undefined-variable') return undefined;
      const target = this.missingTarget(e);
      if (target !== undefined) {
        const t = typo(target, this.model.infrastructure.keys());
        this.report('unknown-target', `'${target}' is not a target in the infrastructure model${didYouMean(t)}`, e.loc!, undefined, t);
      } else this.report('eval-error', e.message, this.inDefinition(e.loc ?? at, e.detail.missingAttribute));
      return undefined;
    }
  }

  /** `infrastructure.test9` where there is no test9: the name, else undefined. */
  missingTarget(e: EvalError): string | undefined {
    const name = e.detail.missingAttribute;
    if (name === undefined || !e.loc || this.model.infrastructure.has(name)) return undefined;
    const text = e.loc.source.text.slice(e.loc.start, e.loc.end);
    return /^infrastructure\s*\./.test(text) ? name : undefined;
  }

  /** `loc`, moved to the call that built the service being read when a helper wrote it (core/model/call-site.ts). */
  inDefinition(loc: Loc, text?: string): Loc {
    return this.service ? atCallSite(loc, this.service.all, this.service.site, this.service.key, text) : loc;
  }

  report(code: DiagnosticCode, message: string, at: Loc, related?: Diagnostic['related'], subject?: Diagnostic['subject']): void {
    this.add(diagnostic(code, message, this.inDefinition(at), related, subject));
  }

  /** A diagnostic as made (a parse's, with its subject and insertion), once. */
  add(d: Diagnostic): void {
    const key = `${d.code}\0${d.loc.source.path}\0${d.loc.start}\0${d.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(d);
  }


  /** Forces `v`; unknown values and errors give `undefined`. */
  force(v: Lazy | undefined, at: Loc): Value | undefined {
    if (v === undefined) return undefined;
    const r = this.attempt(() => this.ev.force(v, at), at);
    return r instanceof Unknown ? undefined : r;
  }

  forceString(v: Lazy | undefined, at: Loc, what: string): string | undefined {
    const r = this.force(v, at);
    if (r === undefined) return undefined;
    if (isString(r)) return stringOf(r);
    this.report('eval-error', `${what} must be a string, not ${showType(r)}`, at);
    return undefined;
  }

  /** `set.name` as a string, if the set has it. */
  /** A known string attribute of `part`, checked as `attribute` checks it. */
  stringAttr(set: NixAttrs, part: ModelPart, name: string, fallback: Loc): string | undefined {
    return textOf(this.attribute(set, part, name, fallback));
  }

  /**
   * One model part's set decoded from the schema: every attribute the schema gives a kind,
   * forced and checked (a value of another kind is reported at the value and left out). The
   * readers below take what they need from it.
   */
  decode(set: NixAttrs, part: ModelPart, fallback: Loc): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const a of attributesOf(part)) {
      if (!a.kind) continue;
      const v = this.attribute(set, part, a.name, fallback);
      if (v !== undefined) out.set(a.name, v);
    }
    return out;
  }

  /**
   * The value of a known attribute of `part`, checked against the kind the schema gives it: a
   * value of another kind is reported at the value, and read as absent. Undefined when absent
   * or not known here.
   */
  attribute(set: NixAttrs, part: ModelPart, name: string, fallback: Loc): Value | undefined {
    if (!set.has(name)) return undefined;
    const at = this.valueLoc(set, name, fallback);
    const v = this.force(set.get(name), at);
    const kind = attributeSchema(part, name)?.kind;
    if (v === undefined || kind === undefined || isKind(v, kind)) return v;
    this.report('eval-error', `${name} must be ${KIND_NAMES[kind]}, not ${showType(v)}`, at);
    return undefined;
  }

  expectSet(v: Value, file: string, what: string): NixAttrs | undefined {
    if (v instanceof NixAttrs) return v;
    this.report('invalid-model', `${what} must evaluate to an attribute set, not ${showType(v)}`, this.fileLoc(file));
    return undefined;
  }

  // ----- locations -----

  /** The start of a file's expression: where a problem with no better place is reported. */
  fileLoc(path: string): Loc {
    const known = this.fileLocs.get(path);
    if (known) return known;
    let text = '';
    try {
      text = this.ev.readText(path);
    } catch {
      // An unreadable file is reported when it is imported.
    }
    const loc = this.ev.parse(new Source(path, text, path.slice(0, path.lastIndexOf('/')) || '/')).expr.loc;
    const at = { source: loc.source, start: loc.start, end: loc.start };
    this.fileLocs.set(path, at);
    return at;
  }

  keyLoc(set: NixAttrs, name: string, fallback: Loc): Loc {
    return set.locOf(name) ?? fallback;
  }

  /** The attribute names of `set`, each with where it is written. */
  attributesOf(set: NixAttrs, fallback: Loc): Map<string, Loc> {
    return new Map(set.sortedNames().map((n) => [n, this.keyLoc(set, n, fallback)]));
  }

  /** A model value as data; an evaluation error is reported where it arose, and the value is not known. */
  json(v: Lazy, at: Loc): JsonValue | undefined {
    return this.attempt(() => toJsonValue(this.ev, v), at);
  }

  /** Where the value of `set.name` was written: its expression when known, else its key. */
  valueLoc(set: NixAttrs, name: string, fallback: Loc): Loc {
    const def = set.literal?.attrs.get(name);
    if (def) return def.value.loc;
    const v = set.get(name);
    if (v instanceof Thunk && v.expr) return v.expr.loc;
    return this.keyLoc(set, name, fallback);
  }

  locOfLazy(v: Lazy, fallback: Loc): Loc {
    return v instanceof Thunk && v.expr ? v.expr.loc : fallback;
  }

  // ----- files -----

  /** Imports a model file and calls it (when it is a function) with the arguments it asks for. */
  readFile(path: string, args: Map<string, Lazy>): Value | undefined {
    const call = this.callFile(path, args);
    return call && this.force(call, this.fileLoc(path));
  }

  /** The not yet evaluated result of `readFile`; undefined when the file has syntax errors. */
  callFile(path: string, args: Map<string, Lazy>): Thunk | undefined {
    const at = this.fileLoc(path);
    const parsed = this.ev.parse(at.source);
    const broken = parsed.diagnostics.some((d) => d.code === 'syntax-error');
    for (const d of parsed.diagnostics) {
      // Around a syntax error the tree is a guess; the names it seems to use are not worth reporting.
      if (broken && d.code === 'undefined-variable') continue;
      this.add(d);
    }
    if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
    const all = new Map([...this.extraParams, ...args]);
    return new Thunk(null, null, () => callWithFormals(this.ev, this.ev.force(this.ev.importFile(path, at), at), all));
  }

  /**
   * The services function's arguments. `invDistribution` is each target with a `services` set
   * of the services mapped to it, taken from the services model's own result: lazily, so a
   * services model may generate services from it.
   */
  servicesArgs(distribution: NixAttrs, infrastructure: NixAttrs | undefined, services: () => Lazy): Map<string, Lazy> {
    const invDistribution = new Thunk(null, null, () => {
      const vals = new Map<string, Lazy>();
      for (const [key, target] of this.model.infrastructure) {
        const mapped = new Thunk(null, null, () => {
          const all = this.ev.force(services());
          const set = new Map<string, Lazy>();
          if (!(all instanceof NixAttrs)) return new NixAttrs(set);
          for (const m of this.model.distribution.values()) {
            const svc = all.get(m.service);
            if (svc !== undefined && m.targets.some((t) => t.target === key)) set.set(m.service, svc);
          }
          return new NixAttrs(set);
        });
        const withServices = new Map(target.evaluated.vals);
        withServices.set('services', mapped);
        vals.set(key, new NixAttrs(withServices, target.evaluated.locs));
      }
      return new NixAttrs(vals, infrastructure?.locs ?? null);
    });
    return new Map<string, Lazy>([['system', this.model.system], ['pkgs', PKGS], ['distribution', distribution], ['invDistribution', invDistribution]]);
  }

  // ----- infrastructure -----

  /** `fallback`: where the model is, for sets generated without locations. */
  readInfrastructure(set: NixAttrs, fallback: Loc): void {
    for (const key of set.sortedNames()) {
      const loc = this.keyLoc(set, key, fallback);
      const v = this.force(set.get(key), loc);
      if (v === undefined) continue;
      if (!(v instanceof NixAttrs)) {
        this.report('invalid-model', `target '${key}' must be an attribute set, not ${showType(v)}`, this.valueLoc(set, key, loc));
        continue;
      }
      this.targetSets.set(v, key);
      this.model.infrastructure.set(key, this.readTarget(key, v, loc));
    }
  }

  readTarget(key: string, t: NixAttrs, loc: Loc): Target {
    const decoded = this.decode(t, 'target', loc);
    const properties = new Map<string, Located<JsonValue | undefined>>();
    const props = decoded.get('properties') as NixAttrs | undefined;
    if (props) for (const name of props.sortedNames()) properties.set(name, { value: this.json(props.get(name)!, this.valueLoc(props, name, loc)), loc: this.keyLoc(props, name, loc) });
    let containers: Target['containers'];
    if (t.has('containers')) {
      const c = decoded.get('containers');
      if (c instanceof NixAttrs) {
        containers = new Map();
        for (const n of c.sortedNames()) {
          const value = this.json(c.get(n)!, this.valueLoc(c, n, loc));
          containers.set(n, { value: value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}, loc: this.keyLoc(c, n, loc) });
        }
      }
    }
    const targetPropertyLoc = this.valueLoc(t, 'targetProperty', loc);
    const targetProperty = textOf(decoded.get('targetProperty')) ?? this.targetDefaults.targetProperty ?? DEFAULT_TARGET_PROPERTY;
    const numOfCoresLoc = this.valueLoc(t, 'numOfCores', loc);
    const target: Target = {
      key,
      loc,
      properties,
      containers,
      system: textOf(decoded.get('system')) ?? this.ev.currentSystem,
      numOfCores: { value: t.has('numOfCores') ? this.force(t.get('numOfCores'), numOfCoresLoc) : BigInt(DEFAULT_NUM_OF_CORES), loc: numOfCoresLoc },
      clientInterface: textOf(decoded.get('clientInterface')) ?? this.targetDefaults.clientInterface ?? DEFAULT_CLIENT_INTERFACE,
      targetProperty: { value: targetProperty, loc: targetPropertyLoc },
      attributes: this.attributesOf(t, loc),
      evaluated: t,
    };
    if (props?.has(targetProperty)) {
      const a = this.force(props.get(targetProperty), this.valueLoc(props, targetProperty, loc));
      if (a !== undefined && (isString(a) || typeof a === 'bigint')) target.address = isString(a) ? stringOf(a) : String(a);
    }
    return target;
  }

  /**
   * The target Disnix deploys to for `key`: it resolves every mapping back to a target name
   * through the targets' addresses (`generateTargetAliases`), so of targets with the same
   * address the first takes what is mapped to the others. Local targets are this machine,
   * each with a state of its own: their address names nothing.
   */
  aliasOf(key: string): string {
    const t = this.model.infrastructure.get(key);
    if (!t?.address || transportOf(t.clientInterface) === 'local') return key;
    for (const other of this.model.infrastructure.values()) if (other.address === t.address && transportOf(other.clientInterface) !== 'local') return other.key;
    return key;
  }

  /** The target a mapping refers to: the same set, or (as Disnix does) one with its address. */
  resolveTarget(v: Value | undefined, loc: Loc): string | undefined {
    if (!(v instanceof NixAttrs)) {
      if (v !== undefined) this.report('invalid-mapping', `a target must be a target from the infrastructure model, not ${showType(v)}`, loc);
      return undefined;
    }
    const same = this.targetSets.get(v);
    if (same) return this.aliasOf(same);
    const props = v.has('properties') ? this.force(v.get('properties'), loc) : undefined;
    for (const t of this.model.infrastructure.values()) {
      if (!(props instanceof NixAttrs) || !t.address || !props.has(t.targetProperty.value)) continue;
      const a = this.force(props.get(t.targetProperty.value), loc);
      if (a !== undefined && isString(a) && stringOf(a) === t.address) return t.key;
    }
    this.report('unknown-target', 'this target is not in the infrastructure model', loc);
    return undefined;
  }

  // ----- distribution -----

  readDistribution(set: NixAttrs, fallback: Loc): void {
    for (const service of set.sortedNames()) {
      const loc = this.keyLoc(set, service, fallback);
      const valueLoc = this.valueLoc(set, service, loc);
      const v = this.force(set.get(service), valueLoc);
      if (v === undefined) continue;
      const mapping: Mapping = { service, loc, targets: [] };
      this.model.distribution.set(service, mapping);
      if (Array.isArray(v)) {
        for (const item of v) this.addTargetMapping(mapping, item, undefined, this.locOfLazy(item, valueLoc));
      } else if (v instanceof NixAttrs && v.has('targets')) {
        const targetsLoc = this.valueLoc(v, 'targets', valueLoc);
        const list = this.force(v.get('targets'), targetsLoc);
        if (list === undefined) continue;
        if (!Array.isArray(list)) {
          this.report('invalid-mapping', `'targets' of ${service} must be a list of { target; container; } sets, not ${showType(list)}`, targetsLoc);
          continue;
        }
        for (const item of list) {
          const itemLoc = this.locOfLazy(item, targetsLoc);
          const entry = this.force(item, itemLoc);
          if (entry === undefined) continue;
          if (!(entry instanceof NixAttrs) || !entry.has('target')) {
            this.report('invalid-mapping', `each entry of 'targets' must be a set with a 'target' (and optionally a 'container')`, itemLoc);
            continue;
          }
          const container = this.stringAttr(entry, 'targetMapping', 'container', itemLoc);
          this.addTargetMapping(mapping, entry.get('target')!, container, this.valueLoc(entry, 'target', itemLoc), container === undefined ? undefined : this.valueLoc(entry, 'container', itemLoc));
        }
      } else {
        this.report('invalid-mapping', `the mapping of ${service} must be a list of targets or { targets = [ ... ]; }, not ${showType(v)}`, valueLoc);
      }
    }
  }

  addTargetMapping(mapping: Mapping, item: Lazy, container: string | undefined, loc: Loc, containerLoc?: Loc): void {
    const target = this.resolveTarget(this.force(item, loc), loc);
    if (!target) return;
    // The container defaults to the service type; filled in by normalise().
    mapping.targets.push({ target, container: container ?? '', explicitContainer: container !== undefined, loc, ...(containerLoc ? { containerLoc } : {}) });
  }

  // ----- services -----

  readServices(set: NixAttrs, architecture: boolean, fallback: Loc): void {
    const places = set.sortedNames().map((key) => {
      const loc = this.keyLoc(set, key, fallback);
      const at = this.valueLoc(set, key, loc);
      return { key, loc, at, site: definitionSite(loc, at) };
    });
    const all = places.map((p) => p.site);
    for (const { key, loc, at, site } of places) {
      this.service = { site, key: loc, all };
      try {
        this.readService(key, set, loc, at, architecture);
      } finally {
        this.service = undefined;
      }
    }
    // A dependency whose value is not known either (`inherit (constructed) proxy;`) is taken to be
    // the unknown service its parameter names, as `inherit` names it, so that order and graph keep it.
    for (const dep of this.unknownDependencies.splice(0)) if (this.model.services.get(dep.param)?.unknown) dep.service = dep.param;
  }

  /** One service of the services model: `at`, its value; `loc`, its key. */
  readService(key: string, set: NixAttrs, loc: Loc, at: Loc, architecture: boolean): void {
    const v = set.get(key) === undefined ? undefined : this.attempt(() => this.ev.force(set.get(key)!, at), at);
    // Built with something not known here (a constructor from Nixpkgs or another checkout):
    // the service exists, and nothing else is known of it.
    if (v instanceof Unknown) {
      this.model.services.set(key, { key, loc, unknown: true, dependsOn: [], connectsTo: [], activatesAfter: [], providesContainers: [], attributes: new Map(), evaluated: new NixAttrs(new Map()) });
      return;
    }
    if (v === undefined) return;
    if (!(v instanceof NixAttrs)) {
      this.report('invalid-model', `service '${key}' must be an attribute set, not ${showType(v)}`, at);
      return;
    }
    const attributes = new Map([...this.attributesOf(v, loc)].map(([n, l]) => [n, this.inDefinition(l)]));
    const service: Service = { key, loc, dependsOn: [], connectsTo: [], activatesAfter: [], providesContainers: [], attributes, evaluated: v };
    const decoded = this.decode(v, 'service', loc);
    const deployState = decoded.get('deployState');
    if (typeof deployState === 'boolean') service.deployState = deployState;
    for (const attr of ['name', 'type'] as const) {
      const s = textOf(decoded.get(attr));
      if (s !== undefined) service[attr] = { value: s, loc: this.inDefinition(this.valueLoc(v, attr, loc), s) };
    }
    for (const kind of ['dependsOn', 'connectsTo', 'activatesAfter'] as const) service[kind] = this.readDependencies(v, kind, loc, architecture);
    const p = decoded.get('providesContainers');
    if (p instanceof NixAttrs) for (const n of p.sortedNames()) service.providesContainers.push({ value: n, loc: this.inDefinition(this.keyLoc(p, n, loc)) });
    const provided = textOf(decoded.get('providesContainer'));
    if (provided !== undefined) service.providesContainers.push({ value: provided, loc: this.inDefinition(this.valueLoc(v, 'providesContainer', loc), provided) });
    this.model.services.set(key, service);
    if (architecture && v.has('targets')) this.readArchitectureTargets(key, v, loc);
  }

  readDependencies(service: NixAttrs, kind: DependencyKind, loc: Loc, architecture: boolean): Dependency[] {
    if (!service.has(kind)) return [];
    const setLoc = this.valueLoc(service, kind, loc);
    const set = this.force(service.get(kind), setLoc);
    if (set === undefined) return [];
    if (!(set instanceof NixAttrs)) {
      this.report('eval-error', `${kind} must be an attribute set of services, not ${showType(set)}`, setLoc);
      return [];
    }
    const deps: Dependency[] = [];
    for (const param of set.sortedNames()) {
      const at = this.keyLoc(set, param, setLoc);
      const dep: Dependency = { kind, param, loc: this.inDefinition(at) };
      deps.push(dep);
      const v = this.attempt(() => this.ev.force(set.get(param)!, at), at);
      if (v instanceof Unknown) this.unknownDependencies.push(dep);
      if (v === undefined || v instanceof Unknown) continue;
      if (!(v instanceof NixAttrs)) {
        this.report('eval-error', `${kind}.${param} must be a service, not ${showType(v)}`, at);
        continue;
      }
      // Disnix resolves a dependency by the `name` of the service it refers to.
      if (v.has('name')) dep.service = this.forceString(v.get('name'), at, 'name');
      // A reference carrying its own `targets` binds to those replicas only.
      if (!architecture && v.has('targets')) {
        const list = this.force(v.get('targets'), at);
        if (Array.isArray(list)) dep.targets = list.map((t) => this.resolveTarget(this.force(t, at), at)).filter((t): t is string => t !== undefined);
      }
    }
    return deps;
  }

  // ----- the architecture model (-A) -----

  loadArchitecture(path: string): void {
    const v = this.readFile(path, new Map<string, Lazy>([['system', this.model.system], ['pkgs', PKGS]]));
    const set = v === undefined ? undefined : this.expectSet(v, path, 'the architecture model');
    if (!set) return;
    const fallback = this.fileLoc(path);
    const infra = set.has('infrastructure') ? this.force(set.get('infrastructure'), this.valueLoc(set, 'infrastructure', fallback)) : undefined;
    if (infra instanceof NixAttrs) this.readInfrastructure(infra, this.valueLoc(set, 'infrastructure', fallback));
    const services = set.has('services') ? this.force(set.get('services'), this.valueLoc(set, 'services', fallback)) : undefined;
    if (services instanceof NixAttrs) this.readServices(services, true, this.valueLoc(set, 'services', fallback));
    else this.report('invalid-model', 'the architecture model must have a `services` set', fallback);
  }

  readArchitectureTargets(key: string, service: NixAttrs, loc: Loc): void {
    const at = this.valueLoc(service, 'targets', loc);
    const mapping: Mapping = { service: key, loc: at, targets: [] };
    this.model.distribution.set(key, mapping);
    const v = this.force(service.get('targets'), at);
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      this.report('invalid-mapping', `'targets' of ${key} must be a list of targets, not ${showType(v)}`, at);
      return;
    }
    for (const item of v) {
      const itemLoc = this.locOfLazy(item, at);
      const entry = this.force(item, itemLoc);
      if (entry instanceof NixAttrs && entry.has('target') && !entry.has('properties')) {
        const container = entry.has('container') ? this.forceString(entry.get('container'), itemLoc, 'container') : undefined;
        this.addTargetMapping(mapping, entry.get('target')!, container, itemLoc);
      } else if (entry !== undefined) {
        this.addTargetMapping(mapping, entry, undefined, itemLoc);
      }
    }
  }

  // ----- packages model (-P) -----

  readPackages(path: string): void {
    const v = this.readFile(path, new Map<string, Lazy>([['system', this.ev.currentSystem], ['pkgs', PKGS]]));
    const set = v === undefined ? undefined : this.expectSet(v, path, 'the packages model');
    if (!set) return;
    const fallback = this.fileLoc(path);
    for (const name of set.sortedNames()) this.model.packages.set(name, this.keyLoc(set, name, fallback));
  }

  // ----- normalisation (§1.8) -----

  normalise(): void {
    const { services, distribution } = this.model;
    for (const mapping of distribution.values()) {
      const service = services.get(mapping.service);
      for (const t of mapping.targets) if (!t.explicitContainer) t.container = service?.type?.value ?? '';
    }
    // Container providers: a service mapped to a container that a service on the same target
    // provides is deployed into it, after its provider.
    const providers = this.containerProviders();
    for (const mapping of distribution.values()) {
      const service = services.get(mapping.service);
      if (!service) continue;
      for (const t of mapping.targets) {
        const provider = providers.get(`${t.target}\0${t.container}`)?.find((p) => p !== mapping.service);
        if (!provider) continue;
        t.containerProvidedByService = provider;
        // As in Disnix: one entry per provider, bound to its instance on the first such target.
        if (!service.activatesAfter.some((d) => d.service === provider)) {
          service.activatesAfter.push({ kind: 'activatesAfter', param: provider, service: provider, targets: [t.target], loc: t.loc });
        }
      }
    }
  }

  /** `target\0container` to the services that provide that container there, in distribution order. */
  containerProviders(): Map<string, string[]> {
    const provided = [...this.model.distribution].flatMap(([name, m]) =>
      (this.model.services.get(name)?.providesContainers ?? []).flatMap((c) => [...new Set(m.targets.map((t) => t.target))].map((target) => ({ key: `${target}\0${c.value}`, name }))),
    );
    return new Map([...groupBy(provided, (p) => p.key)].map(([key, list]) => [key, list.map((p) => p.name)]));
  }
}

const KIND_NAMES: Record<AttributeKind, string> = { string: 'a string', bool: 'a Boolean', set: 'an attribute set' };

/** A string value's text; undefined for anything else (or nothing). */
function textOf(v: Value | undefined): string | undefined {
  return v !== undefined && isString(v) ? stringOf(v) : undefined;
}

function isKind(v: Value, kind: AttributeKind): boolean {
  if (kind === 'string') return isString(v);
  if (kind === 'bool') return typeof v === 'boolean';
  return v instanceof NixAttrs;
}
