// The dnx flags the extension's settings and the chosen deployment stand for, shared by the
// commands that run dnx.

import * as vscode from 'vscode';
import type { DeploymentFiles } from '../server/protocol';

/** `-p` and `--coordinator-profile-path` from the settings, as the plan and the graph use them. */
export function coordinatorFlags(): string[] {
  const settings = vscode.workspace.getConfiguration('disnix');
  const profile = settings.get<string>('profile') ?? '';
  const path = settings.get<string>('coordinatorProfilePath') ?? '';
  return [...(profile ? ['-p', profile] : []), ...(path ? ['--coordinator-profile-path', path] : [])];
}

/** The model files as `dnx deploy` takes them. */
export function modelFlags(files: DeploymentFiles): string[] {
  if (files.architecture) return ['-A', files.architecture];
  const flags: [string, string | undefined][] = [['-s', files.services], ['-i', files.infrastructure], ['-d', files.distribution], ['-P', files.packages]];
  return flags.flatMap(([flag, file]) => (file ? [flag, file] : []));
}

/** Where the targets are read from, as `dnx query` takes it. */
export function infrastructureFlags(files: DeploymentFiles): string[] {
  return files.architecture ? ['-A', files.architecture] : files.infrastructure ? ['-i', files.infrastructure] : [];
}
