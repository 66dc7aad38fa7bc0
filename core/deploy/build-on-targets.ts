// `--build-on-targets`: the coordinator only instantiates the services' derivations; each store
// derivation goes (with its closure, as far as the target lacks it) to a target the service
// is distributed to, is realised there by the target's Nix, and what it built comes back into
// the coordinator's Nix store, from where the deployment goes on as after a local build (as
// Disnix's `disnix-build` does for `disnix-env --build-on-targets`).

import type { DeploymentModel } from '../model/types';
import { DeployError } from './errors';
import type { BuiltService } from './nix-build';
import type { NixStore } from './nix-store';
import type { LocalStore } from './store';
import type { TargetClient } from './transport';

export interface BuildOnTargetsOptions {
  client: (target: string) => TargetClient;
  /** The coordinator's store (for sending), with the Nix store beneath it. */
  store: LocalStore;
  nix: NixStore;
  log?: (line: string) => void;
}

/** Which target builds each service for each system (keyed `service\0system`): the first it is distributed to that has that system. */
export function buildTargets(model: DeploymentModel, builds: { service: string; system: string }[]): Map<string, string> {
  const chosen = new Map<string, string>();
  for (const b of builds) {
    const targets = (model.distribution.get(b.service)?.targets ?? []).map((t) => t.target);
    const target = targets.find((t) => (model.infrastructure.get(t)?.system ?? model.system) === b.system);
    if (!target) throw new DeployError(`${b.service}: no target it is distributed to has system ${b.system}, so none can build it`);
    chosen.set(`${b.service}\0${b.system}`, target);
  }
  return chosen;
}

/** Realises the instantiated services on their targets and copies the results here. */
export async function buildOnTargets(built: BuiltService[], placement: Map<string, string>, o: BuildOnTargetsOptions): Promise<void> {
  const perTarget = new Map<string, Set<string>>();
  for (const b of built) {
    const target = placement.get(`${b.service}\0${b.system}`);
    if (!target) throw new DeployError(`${b.service}: no target was chosen to build it`);
    if (!perTarget.has(target)) perTarget.set(target, new Set());
    perTarget.get(target)!.add(b.drv);
  }
  await Promise.all([...perTarget].map(([target, drvs]) => buildOn(target, [...drvs], o)));
}

async function buildOn(target: string, drvs: string[], o: BuildOnTargetsOptions): Promise<void> {
  const client = o.client(target);
  const closure = o.nix.closure(drvs);
  const lacking = await client.call({ op: 'print-invalid', paths: closure });
  const missing = new Set(lacking);
  o.log?.(`${target}: sending ${missing.size} of ${closure.length} paths of the derivations' closure`);
  if (missing.size > 0) await client.sendClosure(o.store, closure.filter((p) => missing.has(p)));
  o.log?.(`${target}: building ${drvs.length} derivation(s)`);
  const outputs = await client.call({ op: 'realise', paths: drvs });
  const requisites = await client.call({ op: 'query-requisites', paths: outputs });
  const absent = new Set(o.nix.invalid(requisites));
  const fetch = requisites.filter((p) => absent.has(p));
  o.log?.(`${target}: fetching ${fetch.length} built path(s)`);
  if (fetch.length > 0) await client.fetchClosure(fetch, async (exported) => void (await o.nix.importPaths(exported)));
}
