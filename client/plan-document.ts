// "Disnix: Plan Deployment": the plan as a read-only document (scheme and language
// `disnix-plan`: additions, removals and changes in the theme's diff colours) whose target and
// service names link to their definitions in the models. It follows edits to the models, as the
// graph does. One document per deployment, titled after its folder ("Plan: hello-world/local").

import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PlanResponseFor, PlanTextShown } from '../server/protocol';
import { folderName } from './deployment-status';
import { PlanFeed, placeLabel, problemLabel } from './plan-feed';

export const PLAN_SCHEME = 'disnix-plan';

export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Per plan document, the feed of its deployment. */
  private readonly feeds = new Map<string, PlanFeed<'text'>>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this),
      vscode.languages.registerDocumentLinkProvider({ scheme: PLAN_SCHEME }, this),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d.uri)),
    );
  }

  /** Opens the plan of the deployment `modelUri` belongs to (the workspace's first if none). */
  async show(modelUri: string | undefined): Promise<void> {
    // The title is the path's last segment: the folder's own slashes are shown as division slashes.
    const folder = modelUri ? folderName(dirname(vscode.Uri.parse(modelUri).fsPath)) : 'deployment';
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/Plan: ${folder.replaceAll('/', '\u2215')}`, query: modelUri ?? '' });
    const feed = this.feed(uri);
    await feed.refresh();
    const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), PLAN_SCHEME);
    // Beside the model being edited; in the editor area itself when nothing is open.
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active });
  }

  private feed(uri: vscode.Uri): PlanFeed<'text'> {
    let feed = this.feeds.get(uri.toString());
    if (!feed) {
      feed = new PlanFeed(this.client, uri.query || undefined, 'text');
      feed.onDidUpdate(() => this.changed.fire(uri));
      this.feeds.set(uri.toString(), feed);
    }
    return feed;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const feed = this.feed(uri);
    if (!feed.latest) await feed.refresh();
    return documentOf(feed.latest!).text;
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const r = this.feeds.get(document.uri.toString())?.latest;
    if (!r) return [];
    return documentOf(r).links.map((l) => {
      const { start } = l.place.range;
      // A `#L<line>,<column>` fragment opens the file at that place.
      const target = vscode.Uri.parse(l.place.uri).with({ fragment: `L${start.line + 1},${start.character + 1}` });
      const link = new vscode.DocumentLink(new vscode.Range(l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character), target);
      link.tooltip = 'Open the definition';
      return link;
    });
  }

  private closed(uri: vscode.Uri): void {
    if (uri.scheme !== PLAN_SCHEME) return;
    this.feeds.get(uri.toString())?.dispose();
    this.feeds.delete(uri.toString());
  }

  dispose(): void {
    for (const f of this.feeds.values()) f.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The document: the plan and its links, or why there is none with a problem per line, each linked to its place. */
function documentOf(r: PlanResponseFor<'text'>): { text: string; links: PlanTextShown['links'] } {
  if (r.ok) return r;
  const head = [...r.message.split('\n'), ''];
  const links = r.problems.map((p, i) => {
    const line = head.length + i;
    return { range: { start: { line, character: 2 }, end: { line, character: 2 + placeLabel(p.place).length } }, place: p.place };
  });
  return { text: [...head, ...r.problems.map((p) => `  ${problemLabel(p)}`)].join('\n') + '\n', links };
}
