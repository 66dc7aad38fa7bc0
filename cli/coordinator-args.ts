// The flags naming the coordinator profile (`-p/--profile`, `--coordinator-profile-path`), and
// reading a manifest file or generation from it.

import { readFileSync } from 'node:fs';
import { CoordinatorError, CoordinatorProfile, DEFAULT_PROFILE, defaultCoordinatorPath, disnixCoordinatorPath } from '../core/plan/coordinator';
import type { Manifest } from '../core/plan/types';
import { type ArgReader, UsageError } from './args';

export const coordinatorOptionsHelp = `deployed state:
  -p, --profile NAME                  the profile (default: $DISNIX_PROFILE or "default")
  --coordinator-profile-path DIR      where the deployed manifests are kept (dnx's JSON
                                      generations, or Disnix's: <profile>-N-link to manifest XML)
                                      (default: $XDG_STATE_HOME/dnx/coordinator or ~/.local/state/dnx/coordinator;
                                      until it has a generation, what disnix-env deployed is read
                                      from /nix/var/nix/profiles/per-user/$USER/disnix-coordinator)`;

export interface CoordinatorArgs {
  profile?: string;
  coordinatorPath?: string;
}

export function readCoordinatorFlag(flag: string, r: ArgReader, out: CoordinatorArgs): boolean {
  if (flag === '-p' || flag === '--profile') out.profile = r.value(flag);
  else if (flag === '--coordinator-profile-path') out.coordinatorPath = r.value(flag);
  else return false;
  return true;
}

export function openProfile(args: CoordinatorArgs): CoordinatorProfile {
  try {
    const name = args.profile ?? (process.env.DISNIX_PROFILE || DEFAULT_PROFILE);
    if (args.coordinatorPath) return new CoordinatorProfile(args.coordinatorPath, name);
    // A project deployed with disnix-env goes on from what Disnix deployed, until dnx has deployed it once.
    return new CoordinatorProfile(defaultCoordinatorPath(), name, new CoordinatorProfile(disnixCoordinatorPath(), name));
  } catch (e) {
    if (e instanceof CoordinatorError) throw new UsageError(e.message);
    throw e;
  }
}

/** A manifest written by `dnx manifest` (JSON). */
export function readManifestFile(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch {
    throw new UsageError(`${path} is not a JSON manifest (write one with 'dnx manifest')`);
  }
  if (m?.version !== 2 || typeof m.services !== 'object' || !Array.isArray(m.serviceMappings)) throw new UsageError(`${path} is not a version 2 manifest`);
  return m;
}
