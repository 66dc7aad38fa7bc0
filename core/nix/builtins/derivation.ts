// `derivation` and `derivationStrict`, computing `drvPath` and output paths as Nix does
// (ATerm serialisation, hashDerivationModulo), without a store. Fixed-output derivations and
// inputs whose derivation this evaluation did not create give unknown paths instead of
// made-up ones.

import { EvalError } from '../errors';
import type { Evaluator } from '../eval';
import type { Loc } from '../source';
import { checkStoreName, makeStorePath, makeTextPath, sha256 } from '../store';
import { NixAttrs, Unknown, UnknownSignal, makeString, type Lazy } from '../values';
import { forceAttrs, forceStringNoContext, known, type Define } from './helpers';

interface Drv {
  outputs: Map<string, string>; // name -> path ('' while masked)
  inputDrvs: Map<string, Set<string>>;
  inputSrcs: Set<string>;
  platform: string;
  builder: string;
  args: string[];
  env: Map<string, string>;
}

const registries = new WeakMap<Evaluator, Map<string, Drv>>();
const moduloCache = new WeakMap<Drv, string>();

function q(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
}

const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function unparse(d: Drv, inputDrvs: Map<string, Set<string>>): string {
  const outs = byKey(d.outputs).map(([n, p]) => `(${q(n)},${q(p)},${q('')},${q('')})`).join(',');
  const ins = byKey(inputDrvs).map(([p, os]) => `(${q(p)},[${[...os].sort().map(q).join(',')}])`).join(',');
  const srcs = [...d.inputSrcs].sort().map(q).join(',');
  const env = byKey(d.env).map(([k, v]) => `(${q(k)},${q(v)})`).join(',');
  return `Derive([${outs}],[${ins}],[${srcs}],${q(d.platform)},${q(d.builder)},[${d.args.map(q).join(',')}],[${env}])`;
}

function hashModulo(registry: Map<string, Drv>, d: Drv, loc: Loc): string {
  const cached = moduloCache.get(d);
  if (cached) return cached;
  const inputs = new Map<string, Set<string>>();
  for (const [path, outs] of d.inputDrvs) {
    const dep = registry.get(path);
    if (!dep) throw new UnknownSignal(new Unknown(`derivation '${path}' was not created by this evaluation`, loc));
    inputs.set(hashModulo(registry, dep, loc), outs);
  }
  const h = sha256(unparse(d, inputs)).toString('hex');
  moduloCache.set(d, h);
  return h;
}

function derivationStrict(ev: Evaluator, arg: Lazy, loc: Loc): NixAttrs {
  const attrs = forceAttrs(ev, arg, loc);
  const nameLazy = attrs.get('name');
  if (nameLazy === undefined) throw new EvalError('missing-attribute', "required attribute 'name' missing", attrs.literal?.loc ?? loc);
  const nameLoc = attrs.locOf('name') ?? loc;
  const name = forceStringNoContext(ev, nameLazy, loc);
  checkStoreName(name, loc);
  const ignoreNulls = attrs.has('__ignoreNulls') && known(ev, attrs.get('__ignoreNulls')!) === true;
  const ctx = new Set<string>();
  const d: Drv = { outputs: new Map(), inputDrvs: new Map(), inputSrcs: new Set(), platform: '', builder: '', args: [], env: new Map() };
  let outputs = ['out'];
  let builderSet = false;
  let systemSet = false;
  for (const key of attrs.sortedNames()) {
    if (key === '__ignoreNulls') continue;
    const v = known(ev, attrs.get(key)!);
    if (ignoreNulls && v === null) continue;
    const at = attrs.locOf(key) ?? loc;
    if (key === '__structuredAttrs' || key === 'outputHash') {
      if (v === false || v === null) continue;
      throw new UnknownSignal(new Unknown(`the store path of derivation '${name}' depends on ${key}, which is not supported without a store`, at));
    }
    if (key === 'args') {
      if (!Array.isArray(v)) throw ev.typeError(v, 'a list', at);
      for (const a of v) d.args.push(ev.coerceToString(known(ev, a), ctx, at, { coerceMore: true, copyToStore: true }));
      continue;
    }
    const s = ev.coerceToString(v, ctx, at, { coerceMore: true, copyToStore: true });
    d.env.set(key, s);
    if (key === 'builder') {
      d.builder = s;
      builderSet = true;
    } else if (key === 'system') {
      d.platform = s;
      systemSet = true;
    } else if (key === 'outputs') {
      if (!Array.isArray(v)) throw ev.typeError(v, 'a list', at);
      outputs = v.map((o) => forceStringNoContext(ev, o, at));
      if (outputs.length === 0) throw new EvalError('other', `derivation '${name}' does not have any outputs`, at);
      if (new Set(outputs).size !== outputs.length) throw new EvalError('other', `duplicate derivation output in derivation '${name}'`, at);
    }
  }
  if (!builderSet) throw new EvalError('missing-attribute', "required attribute 'builder' missing", nameLoc);
  if (!systemSet) throw new EvalError('missing-attribute', "required attribute 'system' missing", nameLoc);

  for (const c of ctx) {
    if (c.startsWith('=')) {
      const path = c.slice(1);
      const dep = registry(ev).get(path);
      d.inputDrvs.set(path, new Set(dep ? dep.outputs.keys() : ['out']));
    } else if (c.startsWith('!')) {
      const [, output, path] = c.split('!');
      const set = d.inputDrvs.get(path) ?? new Set<string>();
      set.add(output);
      d.inputDrvs.set(path, set);
    } else d.inputSrcs.add(c);
  }

  for (const o of outputs) {
    d.outputs.set(o, '');
    d.env.set(o, '');
  }
  const h = hashModulo(registry(ev), d, loc);
  moduloCache.delete(d);
  for (const o of outputs) {
    const path = makeStorePath(`output:${o}`, h, o === 'out' ? name : `${name}-${o}`);
    d.outputs.set(o, path);
    d.env.set(o, path);
  }
  const refs = new Set<string>([...d.inputSrcs, ...d.inputDrvs.keys()]);
  const drvPath = makeTextPath(`${name}.drv`, unparse(d, d.inputDrvs), refs);
  registry(ev).set(drvPath, d);

  const result = new Map<string, Lazy>([['drvPath', makeString(drvPath, new Set([`=${drvPath}`]))]]);
  for (const o of outputs) result.set(o, makeString(d.outputs.get(o)!, new Set([`!${o}!${drvPath}`])));
  return new NixAttrs(result);
}

function registry(ev: Evaluator): Map<string, Drv> {
  let r = registries.get(ev);
  if (!r) registries.set(ev, (r = new Map()));
  return r;
}

// Nix defines `derivation` in Nix on top of `derivationStrict`; so do we.
const DERIVATION_NIX = `drvAttrs @ { outputs ? [ "out" ], ... }:
let
  strict = derivationStrict drvAttrs;
  commonAttrs = drvAttrs // (builtins.listToAttrs outputsList) // { all = map (x: x.value) outputsList; inherit drvAttrs; };
  outputToAttrListElement = outputName: {
    name = outputName;
    value = commonAttrs // {
      outPath = builtins.getAttr outputName strict;
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };
  outputsList = map outputToAttrListElement outputs;
in (builtins.head outputsList).value`;

export function registerDerivation(define: Define): void {
  define('derivationStrict', 1, (ev, [a], loc) => derivationStrict(ev, a, loc), { global: true });
  define('derivation', 0, (ev) => ev.evalString(DERIVATION_NIX, '/', '«derivation.nix»'), { global: true });
}
