// The status bar item that shows which deployment (services + infrastructure + distribution
// [+ packages], or an architecture model) the commands act on, and the command that switches
// it. The user's choice drives every command until another is made; without one, the
// deployment the open model file is analysed in does. Choices are remembered per workspace and
// handed to the server, which analyses each folder's files in the deployment chosen for it.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CHOOSE_DEPLOYMENT_NOTIFICATION, DEPLOYMENTS_REQUEST, type DeploymentFiles, type DeploymentInfo, type DeploymentsParams } from '../server/protocol';
import { deploymentId, modelsFolder } from '../core/model/deployment-files';

const MEMENTO_KEY = 'disnix.chosenDeployments';
const CURRENT_KEY = 'disnix.currentDeployment';

export class DeploymentStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('disnix.deployment', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly client: () => LanguageClient | undefined,
  ) {
    this.item.name = 'Disnix deployment';
    this.item.command = 'disnix.selectDeployment';
    this.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()));
  }

  /** The deployments chosen earlier in this workspace, for the server's start. */
  remembered(): DeploymentFiles[] {
    return this.state.get<DeploymentFiles[]>(MEMENTO_KEY, []);
  }

  async refresh(): Promise<void> {
    const deployments = await this.deployments(false);
    const current = deployments && this.pick(deployments);
    if (!current) return this.item.hide();
    const analysed = deployments.find((d) => d.active);
    const elsewhere = analysed && !sameFiles(analysed.files, current) ? `\n\nThis file is analysed in ${describe(analysed.files)}.` : '';
    this.item.text = `$(server-environment) ${describe(current)}`;
    this.item.tooltip = `Disnix deployment the commands act on\n${Object.entries(current).map(([role, p]) => `${role}: ${vscode.workspace.asRelativePath(p)}`).join('\n')}${elsewhere}\n\nClick to switch.`;
    this.item.show();
  }

  /**
   * The deployment a command acts on: the one the user chose last, else the one the active
   * model file is analysed in, else the workspace's only one, else (when `ask`) the one the user
   * picks. Undefined when there is none (the user is told) or the pick was cancelled or not asked for.
   */
  async current(ask = true): Promise<DeploymentFiles | undefined> {
    const deployments = await this.deployments(ask);
    if (!deployments) return undefined;
    return this.pick(deployments) ?? (ask ? this.choose(deployments) : undefined);
  }

  /** The deployment the model file `uri` is analysed in. */
  async of(uri: string): Promise<DeploymentFiles | undefined> {
    return (await this.deployments(false, uri))?.find((d) => d.active)?.files;
  }

  private pick(deployments: DeploymentInfo[]): DeploymentFiles | undefined {
    const chosen = this.state.get<DeploymentFiles>(CURRENT_KEY);
    const current = (chosen && deployments.find((d) => sameFiles(d.files, chosen))) ?? deployments.find((d) => d.active) ?? (deployments.length === 1 ? deployments[0] : undefined);
    return current?.files;
  }

  /** The workspace's deployments and the one the commands act on, in words, for the log. */
  async summary(): Promise<string> {
    const deployments = await this.deployments(false);
    if (!deployments) return 'No Disnix deployment in this workspace (it needs services, infrastructure and distribution models, or an architecture model).';
    const current = this.pick(deployments);
    const list = deployments.map((d) => `  ${describe(d.files)}${current && sameFiles(d.files, current) ? '  (current)' : ''}`).join('\n');
    return `${deployments.length === 1 ? '1 deployment' : `${deployments.length} deployments`} in this workspace:\n${list}${current ? '' : '\nNone is current yet: open one of its models, or pick one with Disnix: Select Deployment.'}`;
  }

  /** Lets the user pick among the deployments the workspace's model files form; the current one is marked. */
  async choose(known?: DeploymentInfo[]): Promise<DeploymentFiles | undefined> {
    const client = this.client();
    const deployments = known ?? (await this.deployments(true));
    if (!client || !deployments) return undefined;
    const current = this.pick(deployments);
    const items = deployments.map((d) => {
      const isCurrent = !!current && sameFiles(d.files, current);
      return { label: `${isCurrent ? '$(check) ' : ''}${describe(d.files)}`, description: isCurrent ? 'current' : undefined, detail: Object.values(d.files).map((p) => vscode.workspace.asRelativePath(p)).join(', '), files: d.files };
    });
    const picked = await vscode.window.showQuickPick(items, { title: 'Disnix: Select Deployment', placeHolder: 'Which models make up the deployment the commands act on?', matchOnDetail: true });
    if (!picked) return undefined;
    const folder = modelsFolder(picked.files);
    await this.state.update(MEMENTO_KEY, [...this.remembered().filter((f) => modelsFolder(f) !== folder), picked.files]);
    await this.state.update(CURRENT_KEY, picked.files);
    await client.sendNotification(CHOOSE_DEPLOYMENT_NOTIFICATION, picked.files);
    await this.refresh();
    return picked.files;
  }

  /** Every deployment, marked with whether `uri` (the active file by default) is analysed in it; undefined (and the user told, if `tell`) when there are none. */
  private async deployments(tell: boolean, uri = vscode.window.activeTextEditor?.document.uri.toString()): Promise<DeploymentInfo[] | undefined> {
    const client = this.client();
    if (!client?.isRunning()) {
      if (tell) void vscode.window.showErrorMessage('The Disnix language server is not running (Disnix: Restart Language Server).');
      return undefined;
    }
    const deployments = await client.sendRequest<DeploymentInfo[]>(DEPLOYMENTS_REQUEST, { uri } satisfies DeploymentsParams);
    if (deployments.length || !tell) return deployments.length ? deployments : undefined;
    void vscode.window.showInformationMessage('No Disnix deployment found: the workspace needs services, infrastructure and distribution models (or an architecture model).');
    return undefined;
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** `hello-world/local: services · infrastructure · distribution`: the folder, relative to the workspace, and the models. */
export function describe(files: DeploymentFiles): string {
  const names = files.architecture ? [basename(files.architecture, '.nix')] : [files.services, files.infrastructure, files.distribution, files.packages].filter((p): p is string => !!p).map((p) => basename(p, '.nix'));
  return `${folderName(modelsFolder(files))}: ${names.join(' · ')}`;
}

/** A models' folder as the user knows it: its workspace folder's name, then the path inside. */
export function folderName(folder: string): string {
  const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder));
  if (root && root.uri.fsPath === folder) return root.name;
  const relative = vscode.workspace.asRelativePath(folder, false);
  return root ? `${root.name}/${relative}` : relative;
}

function sameFiles(a: DeploymentFiles, b: DeploymentFiles): boolean {
  return deploymentId(a) === deploymentId(b);
}
