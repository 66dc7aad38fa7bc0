// Disnix: Open Example: copies the hello-world example that deploys to this machine (two local
// targets, services that are plain folders: no SSH, root or Nix needed) into a folder the user
// picks, and opens it. The walkthrough's first step.

import { chmodSync, cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const FOLDER_NAME = 'disnix-hello-world';

export async function openExample(context: vscode.ExtensionContext): Promise<void> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Put the Example Here', title: `Disnix: where should the example go? (a folder ${FOLDER_NAME} is made in it)` });
  if (!picked?.[0]) return;
  const target = join(picked[0].fsPath, FOLDER_NAME);
  if (existsSync(target)) {
    const answer = await vscode.window.showWarningMessage(`${target} exists already. Open it as it is?`, { modal: true }, 'Open');
    if (answer !== 'Open') return;
  } else {
    const source = context.asAbsolutePath(join('examples', 'hello-world', 'local'));
    cpSync(source, target, { recursive: true });
    // A package's programs must stay runnable, whatever the package format kept of their modes.
    for (const pkg of readdirSync(join(target, 'pkgs'))) for (const program of readdirSync(join(target, 'pkgs', pkg, 'bin'))) chmodSync(join(target, 'pkgs', pkg, 'bin', program), 0o755);
  }
  await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(target));
}
