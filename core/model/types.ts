// The deployment model as the rest of the product sees it: services, targets and mappings
// after Disnix's normalisation, each remembering where in the model files it was written.
// Plain data, apart from `evaluated`: the evaluated service or target set, which only the
// builds (core/plan/builds.ts calls each `pkg` with Nix values) and the model's own readers
// look into (an architecture test holds every other layer to the plain fields).

import type { JsonValue } from '../json';
import type { Loc } from '../nix/source';
import type { NixAttrs } from '../nix/values';

/** A value read from a model, with the place it was written when known. */
export interface Located<T> {
  value: T;
  loc: Loc;
}

export type DependencyKind = 'dependsOn' | 'connectsTo' | 'activatesAfter';

export interface Dependency {
  kind: DependencyKind;
  /** The parameter name: the key inside `dependsOn`, which may alias another service. */
  param: string;
  /** The service depended on, by its `name`; undefined when it could not be read. */
  service?: string;
  /** Targets the dependency is bound to, when the reference narrows the replicas. */
  targets?: string[];
  loc: Loc;
}

export interface Service {
  /** The attribute name in the services model. */
  key: string;
  /** Its definition is not known here (built with Nixpkgs, or with a checkout not on this machine): only that it exists. */
  unknown?: boolean;
  loc: Loc;
  name?: Located<string>;
  type?: Located<string>;
  dependsOn: Dependency[];
  connectsTo: Dependency[];
  activatesAfter: Dependency[];
  /** Containers this service provides to services on the same target. */
  providesContainers: Located<string>[];
  /** `deployState`, when it is written and known. */
  deployState?: boolean;
  /** Every attribute written, with where (its key, else the service). */
  attributes: Map<string, Loc>;
  /** The evaluated service: for the builds only. */
  evaluated: NixAttrs;
}

export interface Target {
  key: string;
  loc: Loc;
  /** The properties as data (`undefined`: a value not known here, such as one from Nixpkgs), and where each is written. */
  properties: Map<string, Located<JsonValue | undefined>>;
  /** The containers with their properties as data; `undefined` when the target declares no `containers` at all. */
  containers?: Map<string, Located<Record<string, JsonValue>>>;
  system: string;
  numOfCores: Located<unknown>;
  clientInterface: string;
  targetProperty: Located<string>;
  /** The connection address: the property `targetProperty` names. */
  address?: string;
  /** Every attribute written, with where (its key, else the target). */
  attributes: Map<string, Loc>;
  /** The evaluated target: for the builds only. */
  evaluated: NixAttrs;
}

export interface TargetMapping {
  target: string;
  container: string;
  /** The service on the same target that provides the container, if one does. */
  containerProvidedByService?: string;
  /** Whether `container` was written in the mapping rather than taken from the type. */
  explicitContainer: boolean;
  loc: Loc;
  /** Where an explicit container is written. */
  containerLoc?: Loc;
}

export interface Mapping {
  service: string;
  loc: Loc;
  targets: TargetMapping[];
}

export interface DeploymentModel {
  services: Map<string, Service>;
  infrastructure: Map<string, Target>;
  distribution: Map<string, Mapping>;
  /** Target name to the location of its entry in the packages model. */
  packages: Map<string, Loc>;
  /** The `system` the services model was evaluated for. */
  system: string;
}

/** Which files make up the deployment being analysed (the `-s -i -d -P` or `-A` of the CLI). */
export interface DeploymentFiles {
  services?: string;
  infrastructure?: string;
  distribution?: string;
  packages?: string;
  architecture?: string;
}
