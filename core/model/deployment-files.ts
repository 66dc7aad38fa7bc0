// What the server, the client and the command line each need to know of a deployment's files:
// one identity to compare them by, and the folder they are in.

import { dirname } from 'node:path';
import type { DeploymentFiles } from './types';

/** One string per combination of files: two deployments are the same when their ids are. */
export function deploymentId(d: DeploymentFiles): string {
  return JSON.stringify([d.services, d.infrastructure, d.distribution, d.packages, d.architecture]);
}

/** The folder of the models, where dnx runs for them (relative paths inside them resolve from there). */
export function modelsFolder(files: DeploymentFiles): string {
  return dirname(Object.values(files).find((p): p is string => !!p) ?? '.');
}
