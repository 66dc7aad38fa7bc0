// The manifest: what a deployment consists of, as Disnix's deployment model describes it
// (../shared/reference/disnix.md §1.7, §2). Plain JSON, so it can be written to the coordinator
// profile, compared, sent to a webview, and exported as Disnix's manifest XML.

import type { JsonValue } from '../json';

export type { JsonValue };

/** A service instance on a target: which service (by hash), where, and in which container. */
export interface DependencyMapping {
  service: string;
  target: string;
  container: string;
}

export interface ServiceMapping extends DependencyMapping {
  /** The hash of the service providing the container, when a service does. */
  containerProvidedByService?: string;
}

export interface SnapshotMapping extends ServiceMapping {
  /** The store path's name without its hash: what Dysnomia keeps the snapshots under. */
  component: string | null;
}

export interface ManifestService {
  name: string;
  type: string;
  /**
   * The store path of the build, as Nix computes it. `null` when it cannot be known before
   * building (the build uses Nixpkgs, which planning does not evaluate).
   */
  pkg: string | null;
  /** Ordering dependencies: `dependsOn` and `activatesAfter`. Part of the identity. */
  dependsOn: DependencyMapping[];
  /** Not part of the identity, no ordering. */
  connectsTo: DependencyMapping[];
  providesContainers?: Record<string, Record<string, JsonValue>>;
}

export interface ManifestTarget {
  properties: Record<string, JsonValue>;
  containers: Record<string, Record<string, JsonValue>>;
  system: string;
  numOfCores: number;
  clientInterface: string;
  targetProperty: string;
}

export interface TargetProfile {
  /** The built profile's store path; absent while the profile is only planned. */
  path?: string;
  /** What goes into the profile: service and package builds (`null`: not known before building). */
  packages: (string | null)[];
}

export interface Manifest {
  version: 2;
  profiles: Record<string, TargetProfile>;
  /** Keyed by the service identity hash (§2.2). */
  services: Record<string, ManifestService>;
  infrastructure: Record<string, ManifestTarget>;
  serviceMappings: ServiceMapping[];
  snapshotMappings: SnapshotMapping[];
}

export function emptyManifest(infrastructure: Record<string, ManifestTarget> = {}): Manifest {
  const profiles: Record<string, TargetProfile> = {};
  for (const t of Object.keys(infrastructure)) profiles[t] = { packages: [] };
  return { version: 2, profiles, services: {}, infrastructure, serviceMappings: [], snapshotMappings: [] };
}

export function mappingKey(m: DependencyMapping): string {
  return `${m.service}\0${m.target}\0${m.container}`;
}
