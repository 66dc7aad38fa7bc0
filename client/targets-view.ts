// The "Disnix Targets" view: every machine of the deployment's infrastructure and the services
// its profile holds, each with what it is doing now, as `dnx query -f json` reports them (the
// targets' own answer, not what the coordinator thinks). Asked when the view is first shown, on
// Refresh, and after each deployment; what it learns also colours the graph (LiveFeed).
// Asking reaches the machines (and may run a client interface program), so an untrusted
// workspace is not asked. Clicking a service opens its definition; its context menu also shows
// the log the target keeps of it.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { QueriedService, ServiceState } from '../core/deploy/service-status';
import type { DeploymentFiles, Place } from '../server/protocol';
import { instanceId } from '../core/plan/graph';
import { openPlace } from './plan-feed';
import { runDnx } from './dnx-cli';
import { modelsFolder } from '../core/model/deployment-files';
import { coordinatorFlags, infrastructureFlags } from './dnx-args';
import type { LiveFeed } from './live-feed';

export const TARGETS_VIEW_ID = 'disnix.targets';

type Node =
  | { kind: 'target'; name: string; services?: QueriedService[]; error?: string }
  | ServiceNode
  | { kind: 'note'; text: string };

type ServiceNode = { kind: 'service'; target: string; service: QueriedService };

type QueryAnswer = Record<string, QueriedService[] | { error?: string }>;

const STATE_ICONS: Record<ServiceState, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  unknown: new vscode.ThemeIcon('circle-outline'),
};

export class TargetsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private nodes: Node[] | undefined;
  private asking: Promise<void> | undefined;

  constructor(
    private readonly cli: string,
    /** The deployment to ask about; `ask`: the user may be asked to pick one. */
    private readonly deployment: (ask: boolean) => Promise<DeploymentFiles | undefined>,
    private readonly live: LiveFeed,
    private readonly output: vscode.LogOutputChannel,
    /** Where a service instance (`target/container/name`) of a deployment is defined, as the language server knows. */
    private readonly definitionOf: (files: DeploymentFiles, instance: string) => Promise<Place | undefined>,
  ) {
    this.view = vscode.window.createTreeView(TARGETS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
  }

  /**
   * Asks the targets again; a refresh asked for while one runs shares it. `ask`: with several
   * deployments and none active, the user picks one (an explicit refresh), else nothing is asked.
   */
  refresh(ask = true): Promise<void> {
    this.asking ??= Promise.resolve(vscode.window.withProgress({ location: { viewId: TARGETS_VIEW_ID } }, () => this.ask(ask))).finally(() => (this.asking = undefined));
    return this.asking;
  }

  /** Asks again if the view has been shown: what it showed may have been asked too early (before the server ran). */
  refreshIfShown(): Promise<void> {
    return this.nodes ? this.refresh(false) : Promise.resolve();
  }

  private async ask(ask: boolean): Promise<void> {
    this.nodes = await this.query(ask);
    this.changed.fire(undefined);
  }

  private async query(ask: boolean): Promise<Node[]> {
    if (!vscode.workspace.isTrusted) return []; // the view's welcome text says why
    const files = await this.deployment(ask);
    if (!files) return [{ kind: 'note', text: 'Which deployment? Open one of its models, or pick it with Disnix: Select Deployment, then Refresh.' }];
    const args = ['query', '-f', 'json', ...infrastructureFlags(files), ...coordinatorFlags()];
    const run = await runDnx(this.cli, args, { cwd: modelsFolder(files) });
    let answer: QueryAnswer;
    try {
      answer = JSON.parse(run.stdout) as QueryAnswer;
    } catch {
      // No answer at all: the infrastructure model is broken, or dnx failed before asking anyone.
      this.output.error(`dnx ${args.join(' ')}\n${run.stderr}`);
      return [{ kind: 'note', text: run.stderr.trim().split('\n')[0] || `dnx query failed (exit ${run.code})` }];
    }
    return Object.entries(answer).map(([name, a]) => {
      if (Array.isArray(a)) {
        this.live.book.installed(name, a);
        return { kind: 'target', name, services: a };
      }
      this.live.book.unknown(name);
      return { kind: 'target', name, error: a.error ?? 'could not be asked' };
    });
  }

  /** Opens where the service is defined in the models. */
  async openDefinition(node: ServiceNode): Promise<void> {
    const files = await this.deployment(false);
    const place = files && (await this.definitionOf(files, instanceId(node.target, node.service.container, node.service.name)));
    if (place) await openPlace(place);
    else void vscode.window.showInformationMessage(`${node.service.name} is not defined in the models of the current deployment (it only runs on ${node.target}).`);
  }

  /** Opens the log the target keeps of the service, when the target is this machine. */
  async showLog(node: ServiceNode): Promise<void> {
    const { log, name } = node.service;
    if (!log) return void vscode.window.showInformationMessage(`${node.target} keeps no log of ${name} that it tells of (only process services have one).`);
    if (!existsSync(log)) return void vscode.window.showInformationMessage(`The log of ${name} is on ${node.target}, at ${log}: this editor opens the logs of targets on this machine only.`);
    await vscode.window.showTextDocument(vscode.Uri.file(log), { preview: true });
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      if (!this.nodes) void this.refresh(false);
      return this.nodes ?? [];
    }
    return node.kind === 'target' ? (node.services ?? []).map((service) => ({ kind: 'service', target: node.name, service })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'note') return { label: node.text, iconPath: new vscode.ThemeIcon('info') };
    if (node.kind === 'service') {
      const s = node.service;
      const state = s.state ?? 'unknown';
      const now = state === 'unknown' ? `now: not known${s.detail ? ` (${s.detail})` : ''}` : `now: ${state}${s.detail ? ` (${s.detail})` : ''}`;
      return {
        id: `${node.target}/${s.container}/${s.name}`,
        label: s.name,
        description: state === 'running' || state === 'unknown' ? s.container : `${s.container} · ${state}`,
        tooltip: [`${s.name} on ${node.target}`, `container: ${s.container}`, `type: ${s.type}`, now, ...(s.log ? [`log: ${s.log}`] : []), s.pkg].join('\n'),
        iconPath: STATE_ICONS[state],
        contextValue: 'disnixService',
        command: { title: 'Go to Definition', command: 'disnix.targets.openDefinition', arguments: [node] },
      };
    }
    const count = node.services?.length ?? 0;
    return {
      id: node.name,
      label: node.name,
      description: node.error ? 'could not be asked' : count === 0 ? 'runs nothing' : `${count} service${count === 1 ? '' : 's'}`,
      tooltip: node.error ?? `${node.name}: ${count === 0 ? 'no services' : count === 1 ? '1 service' : `${count} services`} in its profile`,
      iconPath: new vscode.ThemeIcon(node.error ? 'error' : 'server'),
      // Expanded even when it runs nothing or cannot be asked: VS Code keeps the state it first
      // saw for an id, and such a target would stay folded once it runs something.
      collapsibleState: vscode.TreeItemCollapsibleState.Expanded,
      contextValue: 'disnixTarget',
    };
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
