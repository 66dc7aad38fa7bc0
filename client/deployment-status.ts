// The status bar item that shows which deployment (services + infrastructure + distribution
// [+ packages], or an architecture model) the open model file is analysed in, and the command
// that switches it. The choice is remembered per workspace and handed to the server.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CHOOSE_DEPLOYMENT_NOTIFICATION, DEPLOYMENTS_REQUEST, type DeploymentFiles, type DeploymentInfo, type DeploymentsParams } from '../server/protocol';
import { modelsFolder } from './dnx-args';

const MEMENTO_KEY = 'disnix.chosenDeployments';

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
    const uri = vscode.window.activeTextEditor?.document.uri;
    const client = this.client();
    if (!uri || uri.scheme !== 'file' || !uri.fsPath.endsWith('.nix') || !client?.isRunning()) return this.item.hide();
    const deployments = await client.sendRequest<DeploymentInfo[]>(DEPLOYMENTS_REQUEST, { uri: uri.toString() } satisfies DeploymentsParams);
    const active = deployments.find((d) => d.active);
    if (!active) return this.item.hide();
    this.item.text = `$(server-environment) ${describe(active.files)}`;
    this.item.tooltip = `Disnix deployment analysed for this file\n${Object.entries(active.files).map(([role, p]) => `${role}: ${vscode.workspace.asRelativePath(p)}`).join('\n')}\n\nClick to switch.`;
    this.item.show();
  }

  /**
   * The deployment a command acts on: the one the active model file is analysed in, else the
   * workspace's only one, else (when `ask`) the one the user picks. Undefined when there is
   * none (the user is told) or the pick was cancelled or not asked for.
   */
  async current(ask = true): Promise<DeploymentFiles | undefined> {
    const deployments = await this.deployments(ask);
    if (!deployments) return undefined;
    const chosen = deployments.find((d) => d.active) ?? (deployments.length === 1 ? deployments[0] : undefined);
    return chosen ? chosen.files : ask ? this.choose(deployments) : undefined;
  }

  /** Lets the user pick among every deployment the workspace's model files can form. */
  async choose(known?: DeploymentInfo[]): Promise<DeploymentFiles | undefined> {
    const client = this.client();
    const deployments = known ?? (await this.deployments(true));
    if (!client || !deployments) return undefined;
    const picked = await vscode.window.showQuickPick(
      deployments.map((d) => ({ label: describe(d.files), description: vscode.workspace.asRelativePath(modelsFolder(d.files)), picked: d.active, files: d.files })),
      { title: 'Disnix: Select Deployment', placeHolder: 'Which models make up the deployment?' },
    );
    if (!picked) return undefined;
    const folder = modelsFolder(picked.files);
    await this.state.update(MEMENTO_KEY, [...this.remembered().filter((f) => modelsFolder(f) !== folder), picked.files]);
    await client.sendNotification(CHOOSE_DEPLOYMENT_NOTIFICATION, picked.files);
    await this.refresh();
    return picked.files;
  }

  /** Every deployment, marked with whether the active file is analysed in it; undefined (and the user told, if `tell`) when there are none. */
  private async deployments(tell: boolean): Promise<DeploymentInfo[] | undefined> {
    const client = this.client();
    if (!client?.isRunning()) {
      if (tell) void vscode.window.showErrorMessage('The Disnix language server is not running (Disnix: Restart Language Server).');
      return undefined;
    }
    const uri = vscode.window.activeTextEditor?.document.uri;
    const deployments = await client.sendRequest<DeploymentInfo[]>(DEPLOYMENTS_REQUEST, { uri: uri?.toString() } satisfies DeploymentsParams);
    if (deployments.length || !tell) return deployments.length ? deployments : undefined;
    void vscode.window.showInformationMessage('No Disnix deployment found: the workspace needs services, infrastructure and distribution models (or an architecture model).');
    return undefined;
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function describe(files: DeploymentFiles): string {
  if (files.architecture) return basename(files.architecture);
  return [files.services, files.infrastructure, files.distribution, files.packages].filter((p): p is string => !!p).map((p) => basename(p, '.nix')).join(' · ');
}
