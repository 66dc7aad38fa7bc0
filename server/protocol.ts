// The requests the client and the server exchange beyond LSP: which deployments the
// workspace's model files form, and which one the user chose. Types only, shared by both.

import type { DeploymentFiles } from '../core/model/types';

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
