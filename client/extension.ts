// The VS Code extension: starts the Disnix language server (dist/server.js) through
// vscode-languageclient, shows and switches the analysed deployment, offers a restart, and
// shows the deployment's plan and graph. The server only parses and evaluates the models with
// our own evaluator, which runs no programs; so all of this works in restricted mode
// (untrusted workspaces) too. Deploying and asking the targets run the dnx command line
// (dist/cli.js) and need a trusted workspace.

import * as vscode from 'vscode';
import { ErrorCodes, LanguageClient, RenameRequest, ResponseError, TransportKind, type LanguageClientOptions, type MessageSignature, type ServerOptions } from 'vscode-languageclient/node';
import { PLAN_REQUEST, PROBLEMS_REQUEST, type DeploymentFiles, type ModelProblem, type Place, type PlanParams, type PlanResponseFor } from '../server/protocol';
import { DeployCommands } from './deploy-commands';
import { DeploymentStatus, describe } from './deployment-status';
import { GRAPH_VIEW_TYPE, GraphPanel } from './graph-panel';
import { LiveFeed } from './live-feed';
import { PlanDocuments } from './plan-document';
import { deployedStateChanged } from './plan-feed';
import { TargetsView } from './targets-view';
import { reportValidation } from './validate-command';
import { openExample } from './open-example';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Disnix', { log: true });
  const status = new DeploymentStatus(context.workspaceState, () => client);
  const plans = new PlanDocuments(() => client);
  const live = new LiveFeed();
  const cli = context.asAbsolutePath('dist/cli.js');
  const targets = new TargetsView(cli, (ask) => status.current(ask), live, output, (files, instance) => definitionOf(() => client, files, instance));
  const deploys = new DeployCommands(cli, output, (uri?: string) => (uri ? status.of(uri) : status.current()), (files) => modelProblems(() => client, files), live, async () => {
    deployedStateChanged.fire();
    await targets.refresh(false);
  });
  context.subscriptions.push(output, status, plans, live, targets);
  void vscode.commands.executeCommand('setContext', 'disnix.active', true);

  const start = async () => {
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'nix' }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.nix') },
      outputChannel: output,
      initializationOptions: { chosen: status.remembered(), settings: vscode.workspace.getConfiguration('disnix') },
    };
    client = new DisnixLanguageClient('disnix', 'Disnix Language Server', serverOptions, clientOptions);
    await client.start();
    const server = client.initializeResult?.serverInfo;
    output.info(`Disnix ${context.extension.packageJSON.version}: ${server?.name ?? 'language server'} ${server?.version ?? ''} started`);
    await status.refresh();
    output.info(await status.summary());
    await targets.refreshIfShown();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('disnix.restartServer', async () => {
      await client?.stop();
      output.appendLine('Restarting the Disnix language server.');
      await start();
    }),
    vscode.commands.registerCommand('disnix.selectDeployment', async () => {
      const chosen = await status.choose();
      if (chosen) output.info(`The commands act on ${describe(chosen)}`);
      return chosen;
    }),
    vscode.commands.registerCommand('disnix.showOutput', () => output.show()),
    vscode.commands.registerCommand('disnix.openExample', () => openExample(context)),
    vscode.commands.registerCommand('disnix.validate', async () => {
      const files = await status.current();
      if (files) await reportValidation(describe(files), await modelProblems(() => client, files));
    }),
    vscode.commands.registerCommand('disnix.planDeployment', async (uri?: string | vscode.Uri) => plans.show(await modelUri(uri))),
    vscode.commands.registerCommand('disnix.showGraph', async (uri?: string | vscode.Uri) => GraphPanel.show(context, () => client, live, await modelUri(uri))),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => GraphPanel.restore(panel, context, () => client, live),
    }),
    vscode.commands.registerCommand('disnix.deploy', async (uri?: string | vscode.Uri) => deploys.deploy(given(uri))),
    vscode.commands.registerCommand('disnix.rollback', () => deploys.rollback()),
    vscode.commands.registerCommand('disnix.switchGeneration', () => deploys.switchGeneration()),
    vscode.commands.registerCommand('disnix.undeploy', () => deploys.undeploy()),
    vscode.commands.registerCommand('disnix.refreshTargets', () => targets.refresh(true)),
    vscode.commands.registerCommand('disnix.targets.openDefinition', (node) => targets.openDefinition(node)),
    vscode.commands.registerCommand('disnix.targets.showLog', (node) => targets.showLog(node)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void targets.refresh(false)),
  );

  /**
   * The model file a command is about: the one it was given (from a code lens or a menu), else
   * one of the current deployment (see DeploymentStatus.current), else the active editor's.
   */
  async function modelUri(uri: string | vscode.Uri | undefined): Promise<string | undefined> {
    const passed = given(uri);
    if (passed) return passed;
    const files = await status.current(false);
    const file = files && (files.distribution ?? files.architecture);
    return file ? vscode.Uri.file(file).toString() : activeModel();
  }

  await start();
}

/**
 * The language client, except that a rename the server refuses (a name already taken, not an
 * identifier) is the user's answer, not a protocol failure: VS Code shows its message at the
 * cursor, and nothing is logged as an error.
 */
class DisnixLanguageClient extends LanguageClient {
  override handleFailedRequest<T>(type: MessageSignature, token: vscode.CancellationToken | undefined, error: unknown, defaultValue: T, showNotification?: boolean, throwOnCancel?: boolean): T {
    if (type.method === RenameRequest.method && error instanceof ResponseError && error.code === ErrorCodes.InvalidRequest) throw new Error(error.message);
    return super.handleFailedRequest(type, token, error, defaultValue, showNotification, throwOnCancel);
  }
}

/** Where a service instance is defined, from the plan's graph of the deployment. */
async function definitionOf(client: () => LanguageClient | undefined, files: DeploymentFiles, instance: string): Promise<Place | undefined> {
  const c = client();
  const model = files.distribution ?? files.architecture;
  if (!c?.isRunning() || !model) return undefined;
  const r = await c.sendRequest<PlanResponseFor<'graph'>>(PLAN_REQUEST, { uri: vscode.Uri.file(model).toString(), view: 'graph' } satisfies PlanParams);
  return r.ok ? r.services[instance] : undefined;
}

/** The problems of a deployment's models as the server analyses them now; undefined when it does not run. */
async function modelProblems(client: () => LanguageClient | undefined, files: DeploymentFiles): Promise<ModelProblem[] | undefined> {
  const c = client();
  return c?.isRunning() ? c.sendRequest<ModelProblem[]>(PROBLEMS_REQUEST, files) : undefined;
}

/** A model file a command was given: a string from a code lens, a `Uri` from an editor title or Explorer menu. */
function given(uri: string | vscode.Uri | undefined): string | undefined {
  return uri instanceof vscode.Uri ? uri.toString() : typeof uri === 'string' ? uri : undefined;
}

/** The model file in the active editor: the deployment a command without arguments is about. */
function activeModel(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' && uri.path.endsWith('.nix') ? uri.toString() : undefined;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
