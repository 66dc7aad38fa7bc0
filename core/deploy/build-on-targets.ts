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
import { lackedBy, type TargetClient } from './transport';

export interface BuildOnTargetsOptions {
  client: (target: string) => TargetClient;
  /** The coordinator's store (for sending), with the Nix store beneath it. */
  store: LocalStore;
  nix: NixStore;
  log?: (line: string) => void;
}

/** Realises the instantiated services on their targets and copies the results here. */
export async function buildOnTargets(built: BuiltService[], model: DeploymentModel, o: BuildOnTargetsOptions): Promise<void> {
  const perTarget = new Map<string, Set<string>>();
  for (const b of built) {
    const target = builderOf(model, b);
    if (!perTarget.has(target)) perTarget.set(target, new Set());
    perTarget.get(target)!.add(b.drv);
  }
  await Promise.all([...perTarget].map(([target, drvs]) => buildOn(target, [...drvs], o)));
}

/** The target that builds a service for a system: the first it is distributed to that has that system. */
function builderOf(model: DeploymentModel, b: BuiltService): string {
  const targets = (model.distribution.get(b.service)?.targets ?? []).map((t) => t.target);
  const target = targets.find((t) => (model.infrastructure.get(t)?.system ?? model.system) === b.system);
  if (!target) throw new DeployError(`${b.service}: no target it is distributed to has system ${b.system}, so none can build it`);
  return target;
}

async function buildOn(target: string, drvs: string[], o: BuildOnTargetsOptions): Promise<void> {
  const client = o.client(target);
  const closure = o.nix.closure(drvs);
  const missing = await lackedBy(client, closure);
  o.log?.(`${target}: sending ${missing.length} of ${closure.length} paths of the derivations' closure`);
  if (missing.length > 0) await client.sendClosure(o.store, missing);
  o.log?.(`${target}: building ${drvs.length} derivation(s)`);
  const outputs = await client.call({ op: 'realise', paths: drvs });
  const requisites = await client.call({ op: 'query-requisites', paths: outputs });
  const absent = new Set(o.nix.invalid(requisites));
  const fetch = requisites.filter((p) => absent.has(p));
  o.log?.(`${target}: fetching ${fetch.length} built path(s)`);
  if (fetch.length > 0) await client.fetchClosure(fetch, async (exported) => void (await o.nix.importPaths(exported)));
}
