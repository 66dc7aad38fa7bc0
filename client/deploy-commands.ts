// "Disnix: Deploy", "Rollback", "Switch Generation" and "Undeploy": each runs `dnx deploy`
// (the same engine and output as the terminal) with a progress notification that names the
// step under way and a Cancel button (dnx then undoes what changed and unlocks). The full log
// goes to the Disnix output; each step also updates the live state the graph shows. Deploying
// builds with Nix and reaches machines, so an untrusted workspace cannot do it. Deploy deploys
// what the user sees: unsaved model files are saved first (when the user agrees), and models
// with errors are not deployed.

import { isAbsolute, relative } from 'node:path';
import * as vscode from 'vscode';
import type { DeploymentFiles, ModelProblem } from '../server/protocol';
import { modelsFolder } from '../core/model/deployment-files';
import { coordinatorFlags, modelFlags } from './dnx-args';
import { EVENTS_FD, runDnx, type DnxRun } from './dnx-cli';
import { stepInWords } from '../core/deploy/step-words';
import type { LiveFeed } from './live-feed';

interface Generation {
  number: number;
  date: string;
  current: boolean;
}

export class DeployCommands {
  private running = false;

  constructor(
    private readonly cli: string,
    private readonly output: vscode.LogOutputChannel,
    /** The deployment a command acts on: the one `uri` (a model file) is analysed in, else the current one. */
    private readonly deployment: (uri?: string) => Promise<DeploymentFiles | undefined>,
    /** The problems of a deployment's models as the editor analyses them now (its unsaved text included). */
    private readonly problems: (files: DeploymentFiles) => Promise<ModelProblem[] | undefined>,
    private readonly live: LiveFeed,
    /** Runs after every deployment, whatever its outcome: the views showing the deployed state catch up. */
    private readonly afterwards: () => Promise<void>,
  ) {}

  async deploy(uri?: string): Promise<void> {
    if (!this.allowed()) return;
    const files = await this.deployment(uri);
    if (files && (await this.saved(files)) && (await this.withoutErrors(files))) await this.run('Deploying', modelFlags(files), modelsFolder(files));
  }

  /** dnx deploys the files on disk: unsaved edits of the models' folder are saved first, or nothing is deployed. */
  private async saved(files: DeploymentFiles): Promise<boolean> {
    const folder = modelsFolder(files);
    const models = new Set(Object.values(files));
    const unsaved = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && (models.has(d.uri.fsPath) || (d.uri.fsPath.endsWith('.nix') && isInside(d.uri.fsPath, folder))));
    if (unsaved.length === 0) return true;
    const names = unsaved.map((d) => vscode.workspace.asRelativePath(d.uri)).join(', ');
    const answer = await vscode.window.showWarningMessage(
      `${unsaved.length === 1 ? 'A model file has' : `${unsaved.length} model files have`} unsaved changes (${names}). Deploying deploys what is saved.`,
      { modal: true },
      'Save and Deploy',
    );
    if (answer !== 'Save and Deploy') return false;
    const results = await Promise.all(unsaved.map((d) => d.save()));
    return results.every(Boolean);
  }

  private async withoutErrors(files: DeploymentFiles): Promise<boolean> {
    // Without a running server nothing is known here; dnx validates the models itself.
    const errors = ((await this.problems(files)) ?? []).filter((p) => p.severity === 'error').map((p) => p.text);
    if (errors.length === 0) return true;
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    void vscode.window.showErrorMessage(`Not deployed: the models have ${errors.length === 1 ? 'an error' : `${errors.length} errors`}: ${first}${more}.`, 'Show Problems').then((a) => a && vscode.commands.executeCommand('workbench.actions.view.problems'));
    return false;
  }

  async rollback(): Promise<void> {
    if (this.allowed()) await this.run('Rolling back', ['--rollback']);
  }

  async switchGeneration(): Promise<void> {
    if (!this.allowed()) return;
    const generations = await this.generations();
    if (!generations) return;
    if (generations.length === 0) {
      void vscode.window.showInformationMessage('Nothing has been deployed with this coordinator profile yet: there are no generations.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      generations.reverse().map((g) => ({ label: `Generation ${g.number}`, description: g.current ? `${g.date} (current)` : g.date, generation: g })),
      { title: 'Disnix: Switch Generation', placeHolder: 'Which deployment should run again?' },
    );
    if (picked) await this.run(`Switching to generation ${picked.generation.number}`, ['--switch-to-generation', String(picked.generation.number)]);
  }

  async undeploy(): Promise<void> {
    if (!this.allowed()) return;
    const answer = await vscode.window.showWarningMessage('Stop and remove every service of the deployment on every target?', { modal: true }, 'Undeploy');
    if (answer === 'Undeploy') await this.run('Undeploying', ['--undeploy']);
  }

  private allowed(): boolean {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Deploying builds and runs programs and reaches other machines: trust this workspace first (Manage Workspace Trust).');
      return false;
    }
    if (this.running) {
      void vscode.window.showInformationMessage('A Disnix deployment is already running; cancel it from its notification, or wait for it to end.');
      return false;
    }
    return true;
  }

  private async generations(): Promise<Generation[] | undefined> {
    const run = await runDnx(this.cli, ['deploy', '--list-generations', ...coordinatorFlags()], { cwd: workspaceFolder() });
    if (run.code !== 0) return void this.failed('The generations could not be listed', run);
    return [...run.stdout.matchAll(/^\s*(\d+)\s+(\S+ \S+)(\s+\(current\))?$/gm)].map((m) => ({ number: Number(m[1]), date: m[2], current: !!m[3] }));
  }

  private async run(title: string, flags: string[], cwd = workspaceFolder()): Promise<void> {
    this.running = true;
    const args = ['deploy', ...flags, ...coordinatorFlags(), '--events-fd', String(EVENTS_FD)];
    this.output.info(`dnx ${args.join(' ')}`);
    try {
      const options = { location: vscode.ProgressLocation.Notification, title: `Disnix: ${title}`, cancellable: true };
      const started = Date.now();
      const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      const { run, cancelled } = await vscode.window.withProgress(options, async (progress, token) => {
        token.onCancellationRequested(() => progress.report({ message: 'Cancelling: undoing what changed…' }));
        const run = await runDnx(this.cli, args, {
          cwd,
          token,
          onLine: (line) => this.output.appendLine(line),
          onEvent: (e) => {
            this.live.book.step(e);
            if (e.state === 'start' && !token.isCancellationRequested) progress.report({ message: `${stepInWords(e)} (${elapsed()})` });
          },
        });
        return { run, cancelled: token.isCancellationRequested };
      });
      if (run.code === 0) void vscode.window.showInformationMessage(lastLine(run.stdout, /^(Deployed|Nothing)/) ?? `${title}: done.`);
      else if (cancelled && run.code === 1) void vscode.window.showInformationMessage(`Deployment cancelled after ${elapsed()}. ${lastLine(run.stderr, OUTCOME) ?? ''}`.trim());
      else this.failed(`${title} failed`, run);
    } catch (e) {
      void vscode.window.showErrorMessage(`Disnix: dnx could not be started: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.running = false;
      await this.afterwards();
    }
  }

  /** Says what went wrong in dnx's own words (`Deployment failed after 5.1 s: …. Nothing was changed.`), with the way to the full log. */
  private failed(what: string, run: DnxRun): void {
    const deployment = lastLine(run.stderr, /^Deployment failed/);
    const why = deployment ?? `${what}: ${lastLine(run.stderr, /error:/) ?? `exit status ${run.code}`}`;
    const outcome = lastLine(run.stderr, OUTCOME);
    void vscode.window.showErrorMessage(`${sentence(why)}${outcome ? ` ${outcome}` : ''}`, 'Show Output').then((a) => a && this.output.show());
  }
}

/** The line dnx ends a failed deployment with: what it left. */
const OUTCOME = /^(Nothing was changed|The previous|The failed transition|Restoring|Removing)/;

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return !!rel && !rel.startsWith('..') && !isAbsolute(rel);
}

function lastLine(text: string, pattern: RegExp): string | undefined {
  return text.split('\n').filter((l) => pattern.test(l)).at(-1)?.trim();
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}
