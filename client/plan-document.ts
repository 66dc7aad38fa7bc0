// "Disnix: Plan Deployment": the plan as a read-only document (scheme `disnix-plan`) whose
// target and service names link to their definitions in the models. It follows edits to the
// models, as the graph does. One document per deployment, named after its folder.

import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PlanFailed, PlanResponse } from '../server/protocol';
import { PlanFeed } from './plan-feed';

export const PLAN_SCHEME = 'disnix-plan';

export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Per plan document, the feed of its deployment. */
  private readonly feeds = new Map<string, PlanFeed>();
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
    const folder = modelUri ? basename(dirname(vscode.Uri.parse(modelUri).path)) : 'deployment';
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${folder} plan`, query: modelUri ?? '' });
    const feed = this.feed(uri);
    await feed.refresh();
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  }

  private feed(uri: vscode.Uri): PlanFeed {
    let feed = this.feeds.get(uri.toString());
    if (!feed) {
      feed = new PlanFeed(this.client, uri.query || undefined);
      feed.onDidUpdate(() => this.changed.fire(uri));
      this.feeds.set(uri.toString(), feed);
    }
    return feed;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const feed = this.feed(uri);
    if (!feed.latest) await feed.refresh();
    return describe(feed.latest!);
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const r = this.feeds.get(document.uri.toString())?.latest;
    if (!r) return [];
    const links = r.ok ? r.links : r.problems.map((p, i) => ({ range: problemRange(r, i), place: p.place }));
    return links.map((l) => {
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

/** The document's text: the plan, or why there is none with one problem per line. */
function describe(r: PlanResponse): string {
  if (r.ok) return r.text;
  return [r.message, '', ...r.problems.map((p) => `  ${problemLabel(p)}`)].join('\n') + '\n';
}

function problemLabel(p: { message: string; place: { uri: string; range: { start: { line: number } } } }): string {
  return `${vscode.workspace.asRelativePath(vscode.Uri.parse(p.place.uri))}:${p.place.range.start.line + 1}: ${p.message}`;
}

/** Where the i-th problem's file and line are written in the document: the link to it. */
function problemRange(r: PlanFailed, i: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
  const label = problemLabel(r.problems[i]);
  const line = r.message.split('\n').length + 1 + i;
  return { start: { line, character: 2 }, end: { line, character: 2 + label.indexOf(': ') } };
}
