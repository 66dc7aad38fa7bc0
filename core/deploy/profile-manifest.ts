// What a target keeps about its own part of a deployment: the services it runs, each with all
// an activation module needs. The coordinator writes it into the target's profile object, so
// a target can answer `query-installed` and lock its services without the coordinator, and
// the deployment can be reconstructed from the targets (as Disnix's profile manifest allows).

import type { ContainerArguments } from './protocol';

export const PROFILE_MANIFEST_FILE = 'profilemanifest.json';

/** One service instance as the target runs it. */
export interface ProfileService {
  /** The service's identity hash. */
  key: string;
  name: string;
  /** The component's store path. */
  pkg: string;
  /** The activation module: a type name, or the store path of the service providing the container. */
  type: string;
  container: string;
  arguments: ContainerArguments;
}

export interface ProfileManifest {
  version: 1;
  target: string;
  services: ProfileService[];
}

export function isProfileManifest(v: unknown): v is ProfileManifest {
  const m = v as ProfileManifest;
  return typeof m === 'object' && m !== null && m.version === 1 && typeof m.target === 'string' && Array.isArray(m.services);
}
