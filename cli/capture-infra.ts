// `dnx capture-infra`: `disnix-capture-infra`. Turns a bootstrap infrastructure model (only
// what reaches each target) into a full one: every target reports its Dysnomia properties and
// containers (`capture-config`), and the model keeps how it is reached.

import { DEFAULT_CLIENT_INTERFACE, DEFAULT_TARGET_PROPERTY } from '../core/model/schema';
import { Evaluator } from '../core/nix/eval';
import { jsonToNix } from '../core/plan/json-to-nix';
import { toJsonValue } from '../core/model/json';
import type { JsonValue, ManifestTarget } from '../core/plan/types';
import { ArgReader, UsageError } from './args';
import { defaultTargetArgs, onEveryTarget, openClients, readInfrastructure, readInfrastructureFlag, readTargetFlag, targetOptionsHelp, type InfrastructureArgs, type TargetArgs } from './targets';

export const captureInfraUsage = `usage: dnx capture-infra -i INFRASTRUCTURE | -A ARCHITECTURE [options]

Prints an infrastructure model of what the targets report: each target's properties and
containers, as Dysnomia's configuration files on it describe them (values are strings). The
address property and a non-default client interface are kept from the given model.

${targetOptionsHelp}`;

export async function runCaptureInfra(argv: string[]): Promise<number> {
  const args: TargetArgs & InfrastructureArgs = defaultTargetArgs();
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readTargetFlag(a, r, args) || readInfrastructureFlag(a, r, args)) continue;
    throw new UsageError(`unexpected argument '${a}'`);
  }
  const infrastructure = await readInfrastructure(args);
  if (!infrastructure) return 1;
  const targets = Object.keys(infrastructure).sort();
  const { results, ok } = await onEveryTarget(openClients(infrastructure, args), targets, async (c) => (await c.call({ op: 'capture-config' })).join('\n'));
  if (!ok) return 1;
  const ev = new Evaluator();
  const captured: Record<string, JsonValue> = {};
  for (const t of targets) {
    const c = readCaptured(ev, t, results.get(t)!);
    if (!c) return 1;
    captured[t] = withConnectivity(c, infrastructure[t], args.targetProperty);
  }
  process.stdout.write(jsonToNix(captured) + '\n');
  return 0;
}

interface Captured {
  properties: Record<string, JsonValue>;
  containers: Record<string, JsonValue>;
}

/** What a target printed, read as the Nix expression it is (Disnix's clients print one too). */
function readCaptured(ev: Evaluator, target: string, text: string): Captured | undefined {
  try {
    const v = toJsonValue(ev, ev.evalString(text, process.cwd(), `«capture-config of ${target}»`)) as Partial<Captured> | undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) return { properties: asSet(v.properties), containers: asSet(v.containers) };
    process.stderr.write(`${target}: capture-config did not print an attribute set\n`);
  } catch (e) {
    process.stderr.write(`${target}: capture-config printed something that is not a Nix expression: ${(e as Error).message}\n`);
  }
  return undefined;
}

function asSet(v: unknown): Record<string, JsonValue> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, JsonValue>) : {};
}

/**
 * The captured configuration with what reaches the target kept from the given model: its
 * address property when the capture lacks it, and its client interface and target property
 * when they are not the defaults.
 */
function withConnectivity(c: Captured, t: ManifestTarget, targetPropertyFlag: string | undefined): JsonValue {
  const property = targetPropertyFlag ?? t.targetProperty;
  const address = t.properties[property];
  const properties = address !== undefined && c.properties[property] === undefined ? { [property]: address, ...c.properties } : c.properties;
  return {
    properties,
    containers: c.containers,
    ...(t.targetProperty !== DEFAULT_TARGET_PROPERTY ? { targetProperty: t.targetProperty } : {}),
    ...(t.clientInterface !== DEFAULT_CLIENT_INTERFACE ? { clientInterface: t.clientInterface } : {}),
  };
}
