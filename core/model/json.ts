// Model values as JSON, as loading reads target and container properties into plain data (and
// the manifest keeps them). Values that cannot be known (anything from Nixpkgs) and functions
// are left out.

import type { Evaluator } from '../nix/eval';
import { NixAttrs, NixPath, Unknown, isFunction, isString, stringOf, type Lazy } from '../nix/values';
import type { JsonValue } from '../json';
import type { DeploymentModel } from './types';

export function toJsonValue(ev: Evaluator, lazy: Lazy): JsonValue | undefined {
  const v = ev.guard(() => ev.force(lazy));
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (isString(v)) return stringOf(v);
  if (v instanceof NixPath) return v.path;
  if (v instanceof Unknown || isFunction(v)) return undefined;
  if (Array.isArray(v)) return v.map((item) => toJsonValue(ev, item)).filter((x): x is JsonValue => x !== undefined);
  if (v instanceof NixAttrs) {
    if (ev.isDerivation(v)) return toJsonValue(ev, v.get('outPath')!);
    return toJsonObject(ev, v);
  }
  return undefined;
}

/** Attribute `name` of service `key` as data, for commands that show a service's own settings (a port, say). */
export function serviceAttribute(analysis: { model: DeploymentModel; evaluator: Evaluator }, key: string, name: string): JsonValue | undefined {
  const v = analysis.model.services.get(key)?.evaluated.get(name);
  return v === undefined ? undefined : toJsonValue(analysis.evaluator, v);
}

export function toJsonObject(ev: Evaluator, set: NixAttrs): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const name of set.sortedNames()) {
    const j = toJsonValue(ev, set.get(name)!);
    if (j !== undefined) out[name] = j;
  }
  return out;
}
