// Disnix: Validate: says in one sentence what the analysis of the current deployment found, as
// the editor sees the models now (unsaved text included), with the way to the Problems panel.

import * as vscode from 'vscode';
import type { ModelProblem } from '../server/protocol';

const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;

/** `2 errors and 1 warning`: what `problems` hold, by severity, most severe first. */
export function countProblems(problems: ModelProblem[]): string {
  const parts = SEVERITIES.map((s) => [s, problems.filter((p) => p.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s === 'information' ? 'note' : s}${n === 1 ? '' : 's'}`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

export async function reportValidation(deployment: string, problems: ModelProblem[] | undefined): Promise<void> {
  if (!problems) {
    void vscode.window.showErrorMessage('Not validated: the Disnix language server is not running (Disnix: Restart Language Server).');
    return;
  }
  if (problems.length === 0) {
    void vscode.window.showInformationMessage(`No problems in ${deployment}.`);
    return;
  }
  const worst = problems.find((p) => p.severity === 'error') ?? problems[0];
  const show = problems.some((p) => p.severity === 'error') ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const answer = await show(`${countProblems(problems)} in ${deployment}. The first: ${worst.text}.`, 'Show Problems');
  if (answer) await vscode.commands.executeCommand('workbench.actions.view.problems');
}
