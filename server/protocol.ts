// The requests the client and the server exchange beyond LSP: which deployments the
// workspace's model files form, which one the user chose, and the plan and graph of one.
// Types only, shared by both.

import type { Range } from 'vscode-languageserver-protocol';
import type { DeploymentFiles } from '../core/model/types';
import type { DeploymentGraph } from '../core/plan/graph';

export type { DeploymentFiles };

/** Request `disnix/deployments`: every deployment, and whether it is the one `uri` is analysed in. */
export const DEPLOYMENTS_REQUEST = 'disnix/deployments';
export interface DeploymentsParams {
  uri?: string;
}
export interface DeploymentInfo {
  files: DeploymentFiles;
  active: boolean;
}

/** Notification `disnix/chooseDeployment`: analyse this deployment for its folder from now on. */
export const CHOOSE_DEPLOYMENT_NOTIFICATION = 'disnix/chooseDeployment';

/** Request `disnix/problems`: the problems of a deployment's models as analysed now (the ignored codes left out). */
export const PROBLEMS_REQUEST = 'disnix/problems';

export interface ModelProblem {
  severity: 'error' | 'warning' | 'information' | 'hint';
  /** `file:line:col: message`, the path relative to the models' folder. */
  text: string;
}

/** Request `disnix/plan`: the plan and graph of the deployment `uri` belongs to (else the workspace's first). */
export const PLAN_REQUEST = 'disnix/plan';
/** How long a client waits out a burst of edits before asking for the plan again. */
export const PLAN_SETTLE_MS = 40;
/** Which view of the plan a panel shows: the plan in words with its links, or the graph. */
export type PlanViewKind = 'text' | 'graph';

export interface PlanParams {
  uri?: string;
  /** Only this view is computed and sent (the graph and the links are each about a megabyte at 1,000 services). */
  view: PlanViewKind;
}

export interface Place {
  uri: string;
  range: Range;
}

export type PlanResponse = PlanShown | PlanFailed;
export type PlanShown = PlanTextShown | PlanGraphShown;
/** The answer to a request for view `K`. */
export type PlanResponseFor<K extends PlanViewKind> = Extract<PlanShown, { view: K }> | PlanFailed;

interface Shown {
  ok: true;
  /** The deployment, in a few words: its folder and the files that decide it. */
  title: string;
}

export interface PlanTextShown extends Shown {
  view: 'text';
  /** The plan in words, and where its names link to. */
  text: string;
  links: { range: Range; place: Place }[];
}

export interface PlanGraphShown extends Shown {
  view: 'graph';
  graph: DeploymentGraph;
  /** Where the graph's machines (by name) and service instances (by id) are defined. */
  targets: Record<string, Place>;
  services: Record<string, Place>;
}

/** No plan: no deployment, models with errors, or an unreadable coordinator profile. */
export interface PlanFailed {
  ok: false;
  title: string;
  message: string;
  problems: { message: string; place: Place }[];
  /** The graph view of models with errors: the last graph drawn of them, to show under the error. */
  lastGood?: PlanGraphShown;
}
