// The plan and graph of one deployment, asked of the language server again whenever a model
// or what runs may have changed: an edit in an open model (unsaved included), a file changed
// on disk, a Disnix setting, a deployment from the editor. Edits in a burst are coalesced, and
// a request never overlaps the last one, so a view shows the newest models within one
// analysis of the last keystroke.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PLAN_REQUEST, PLAN_SETTLE_MS, type Place, type PlanFailed, type PlanParams, type PlanResponseFor, type PlanViewKind } from '../server/protocol';

/** Fired when a deployment may have changed what runs: every plan is against what runs. */
export const deployedStateChanged = new vscode.EventEmitter<void>();

/** One view of the plan (`view`: what its panel shows, and all it is sent). */
export class PlanFeed<K extends PlanViewKind> implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<PlanResponseFor<K>>();
  /** Each new plan, or why there is none. */
  readonly onDidUpdate = this.emitter.event;
  latest: PlanResponseFor<K> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private asking: Promise<void> | undefined;
  private askAgain = false;

  /** `uri`: a file of the deployment; the server picks the workspace's first when undefined. */
  constructor(
    private readonly client: () => LanguageClient | undefined,
    public uri: string | undefined,
    private readonly view: K,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.nix');
    this.subscriptions.push(
      this.emitter,
      watcher,
      watcher.onDidChange(() => this.soon()),
      watcher.onDidCreate(() => this.soon()),
      watcher.onDidDelete(() => this.soon()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document.languageId === 'nix' && e.contentChanges.length > 0 && this.soon()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('disnix') && this.soon()),
      deployedStateChanged.event(() => this.soon()),
    );
  }

  soon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), PLAN_SETTLE_MS);
  }

  /** Asks now, or right after the request under way. */
  refresh(): Promise<void> {
    if (this.asking) {
      this.askAgain = true;
      return this.asking;
    }
    this.asking = this.ask().finally(() => {
      this.asking = undefined;
      if (this.askAgain) {
        this.askAgain = false;
        void this.refresh();
      }
    });
    return this.asking;
  }

  private async ask(): Promise<void> {
    const client = this.client();
    let response: PlanResponseFor<K>;
    if (!client?.isRunning()) {
      response = { ok: false, title: 'Disnix', message: 'The Disnix language server is not running (Disnix: Restart Language Server).', problems: [] };
    } else {
      try {
        response = await client.sendRequest<PlanResponseFor<K>>(PLAN_REQUEST, { uri: this.uri, view: this.view } satisfies PlanParams);
      } catch (e) {
        response = { ok: false, title: 'Disnix', message: `The plan could not be made: ${e instanceof Error ? e.message : String(e)}`, problems: [] };
      }
    }
    this.latest = response;
    this.emitter.fire(response);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** `file:line`, the file relative to the workspace. */
export function placeLabel(place: Place): string {
  return `${vscode.workspace.asRelativePath(vscode.Uri.parse(place.uri))}:${place.range.start.line + 1}`;
}

/** A problem in the models as one line: where, then what. */
export function problemLabel(p: PlanFailed['problems'][number]): string {
  return `${placeLabel(p.place)}: ${p.message}`;
}

/** Opens a place in the models beside the view that linked to it. */
export async function openPlace(place: Place): Promise<void> {
  const at = new vscode.Position(place.range.start.line, place.range.start.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(place.uri), { selection: new vscode.Range(at, at), viewColumn: vscode.ViewColumn.One });
}
