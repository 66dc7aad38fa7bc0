// The VS Code extension: starts the Disnix language server (dist/server.js) through
// vscode-languageclient, shows and switches the analysed deployment, and offers a restart.
// The server only parses and evaluates the models with our own evaluator, which runs no
// programs; so it runs in restricted mode (untrusted workspaces) too.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DeploymentStatus } from './deployment-status';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Disnix', { log: true });
  const status = new DeploymentStatus(context.workspaceState, () => client);
  context.subscriptions.push(output, status);

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
    client = new LanguageClient('disnix', 'Disnix Language Server', serverOptions, clientOptions);
    await client.start();
    await status.refresh();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('disnix.restartServer', async () => {
      await client?.stop();
      output.appendLine('Restarting the Disnix language server.');
      await start();
    }),
    vscode.commands.registerCommand('disnix.selectDeployment', () => status.choose()),
    vscode.commands.registerCommand('disnix.showOutput', () => output.show()),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
