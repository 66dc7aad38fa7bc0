// The `disnix/plan` request: the plan and graph of a deployment against what its coordinator
// profile says runs now, with the model's places as LSP locations.

import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { planView } from '../core/ide/plan-view';
import type { IdeState } from '../core/ide/state';
import type { DeploymentFiles } from '../core/model/types';
import { CoordinatorError, CoordinatorProfile } from '../core/plan/coordinator';
import type { Manifest } from '../core/plan/types';
import { Source, type Loc } from '../core/nix/source';
import { location } from './convert';
import { deploymentId } from '../core/model/deployment-files';
import type { Place, PlanFailed, PlanGraphShown, PlanResponse, PlanViewKind } from './protocol';

export interface CoordinatorSettings {
  /** The coordinator profile's name (`-p`). */
  profile: string;
  /** Where the coordinator profiles are (`--coordinator-profile-path`). */
  path: string;
}

export function planResponse(files: DeploymentFiles, state: IdeState | undefined, coordinator: CoordinatorSettings, kind: PlanViewKind): PlanResponse {
  const decider = files.architecture ?? files.distribution ?? Object.values(files)[0] ?? '';
  const title = `${basename(dirname(decider))}: ${basename(decider)}`;
  const failed = (message: string, problems: PlanFailed['problems'] = []): PlanFailed => ({ ok: false, title, message, problems });
  if (!state) return failed('The models could not be analysed (see the Disnix output).');

  let previous: Manifest | undefined;
  let against: string | undefined;
  try {
    const profile = new CoordinatorProfile(coordinator.path, coordinator.profile);
    const n = profile.currentNumber();
    if (n !== undefined) {
      previous = deployedManifest(profile, n);
      against = `generation ${n} of profile '${profile.profile}'`;
    }
  } catch (e) {
    if (!(e instanceof CoordinatorError)) throw e;
    return failed(`What runs now is not known: ${e.message}. Check disnix.profile and disnix.coordinatorProfilePath.`);
  }

  const result = planView(state, kind, { previous, against });
  if ('errors' in result) {
    const n = result.errors.length;
    const why = failed(`The models have ${n} error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} to see the plan.`, result.errors.map((d) => ({ message: d.message, place: location(d.loc) })));
    const lastGood = kind === 'graph' ? lastGoodGraphs.get(deploymentId(files)) : undefined;
    return lastGood ? { ...why, lastGood } : why;
  }
  const { view } = result;
  if (view.kind === 'text') {
    const text = new Source('plan', view.text, '/');
    return { ok: true, view: 'text', title, text: view.text, links: view.links.map((l) => ({ range: text.range(l), place: location(l.loc) })) };
  }
  const places = (locs: Map<string, Loc>): Record<string, Place> => Object.fromEntries([...locs].map(([id, loc]) => [id, location(loc)]));
  const shown: PlanGraphShown = { ok: true, view: 'graph', title, graph: view.graph, targets: places(view.targets), services: places(view.services) };
  lastGoodGraphs.set(deploymentId(files), shown);
  return shown;
}

/** Per deployment, the last graph of models without errors: what the graph shows while they have some. */
const lastGoodGraphs = new Map<string, PlanGraphShown>();

/** The last deployed manifest read, by its generation file and that file's modification. */
let lastDeployed: { key: string; manifest: Manifest } | undefined;

/**
 * Generation `n`'s manifest. Asked for after every keystroke, and a generation file does not
 * change once written, so it is parsed again only when it is another file or was rewritten.
 */
function deployedManifest(profile: CoordinatorProfile, n: number): Manifest | undefined {
  const file = profile.generationPath(n) ?? profile.generationFile(n);
  let key: string | undefined;
  try {
    const { mtimeMs, size } = statSync(file);
    key = `${file}\0${mtimeMs}\0${size}`;
  } catch {
    // Missing: read() says so, in the profile's words.
  }
  if (key && lastDeployed?.key === key) return lastDeployed.manifest;
  const manifest = profile.read(n);
  lastDeployed = key && manifest ? { key, manifest } : undefined;
  return manifest;
}
