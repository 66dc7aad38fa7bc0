// The "Disnix: Show Deployment Graph" panel: hosts the graph webview (dist/webview), sends it
// the plan's graph whenever the models change and each service's live state (LiveFeed) as it
// changes, and answers what it asks: open the definition
// of a machine or service, save the drawing. One panel, reused; restored after a reload.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PlanResponseFor } from '../server/protocol';
import type { HostMessage, ViewMessage, ViewState } from '../webview/messages';
import { graphHtml } from './graph-html';
import type { LiveFeed } from './live-feed';
import { openPlace, PlanFeed, problemLabel } from './plan-feed';

export const GRAPH_VIEW_TYPE = 'disnix.graph';
/** Where the last panel's zoom and filter are kept, per workspace. */
const VIEW_STATE_KEY = 'disnix.graphView';

export class GraphPanel implements vscode.Disposable {
  private static current: GraphPanel | undefined;
  private readonly feed: PlanFeed<'graph'>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  /** Whether the webview holds a drawing (it has none after it is loaded again). */
  private drawn = false;

  /** Shows the graph of the deployment `uri` belongs to, in the open panel if there is one. */
  static show(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, live: LiveFeed, uri: string | undefined): void {
    const open = GraphPanel.current;
    if (open) {
      open.feed.uri = uri ?? open.feed.uri;
      open.panel.reveal(undefined, true);
      void open.feed.refresh();
      return;
    }
    const panel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Deployment Graph', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, GraphPanel.options(context.extensionUri));
    GraphPanel.current = new GraphPanel(panel, context, client, live, uri);
  }

  /** A panel VS Code kept from before a reload; the webview restores its own zoom and filter. */
  static restore(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, client: () => LanguageClient | undefined, live: LiveFeed): void {
    panel.webview.options = GraphPanel.options(context.extensionUri);
    GraphPanel.current?.dispose();
    GraphPanel.current = new GraphPanel(panel, context, client, live, vscode.window.activeTextEditor?.document.uri.toString());
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    client: () => LanguageClient | undefined,
    private readonly live: LiveFeed,
    uri: string | undefined,
  ) {
    const webview = panel.webview;
    const resource = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', name)).toString();
    webview.html = graphHtml({ script: resource('graph.js'), style: resource('graph.css'), cspSource: webview.cspSource });
    this.feed = new PlanFeed(client, uri, 'graph');
    this.subscriptions.push(
      this.feed,
      this.feed.onDidUpdate((r) => this.send(r)),
      live.onDidChange((states) => void this.panel.webview.postMessage({ type: 'live', live: states } satisfies HostMessage)),
      webview.onDidReceiveMessage((m: unknown) => void this.received(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private send(r: PlanResponseFor<'graph'>): void {
    this.panel.title = `Deployment Graph: ${r.title}`;
    // Models with errors: the last good drawing (if this panel has none yet), under the error.
    const drawing = r.ok ? r : r.lastGood;
    if (drawing && (r.ok || !this.drawn)) void this.panel.webview.postMessage({ type: 'graph', graph: drawing.graph, title: drawing.title } satisfies HostMessage);
    this.drawn ||= !!drawing;
    if (!r.ok) void this.panel.webview.postMessage({ type: 'error', message: [r.message, ...r.problems.slice(0, 3).map(problemLabel)].join('\n') } satisfies HostMessage);
  }

  private async received(m: unknown): Promise<void> {
    if (!isViewMessage(m)) return;
    if (m.type === 'ready') {
      this.drawn = false;
      const state = this.context.workspaceState.get<ViewState>(VIEW_STATE_KEY);
      if (state) void this.panel.webview.postMessage({ type: 'restore', state } satisfies HostMessage);
      void this.panel.webview.postMessage({ type: 'live', live: this.live.book.snapshot() } satisfies HostMessage);
      return this.feed.refresh();
    }
    if (m.type === 'state') return void this.context.workspaceState.update(VIEW_STATE_KEY, m.state);
    if (m.type === 'reveal') {
      const r = this.feed.latest;
      const shown = r?.ok ? r : r?.lastGood;
      const place = shown ? (m.kind === 'service' ? shown.services[m.id] : shown.targets[m.id]) : undefined;
      if (place) await openPlace(place);
      else void vscode.window.showInformationMessage(`'${m.id}' is not defined in the models (it is only deployed now).`);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({ title: 'Export Deployment Graph', filters: { SVG: ['svg'] }, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'deployment.svg') } : {}) });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(m.svg));
    const answer = await vscode.window.showInformationMessage(`Saved the deployment graph to ${vscode.workspace.asRelativePath(target)}.`, 'Open');
    if (answer) await vscode.env.openExternal(target);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.panel.dispose();
  }
}

/** What the webview posts is checked before it is acted on. */
function isViewMessage(m: unknown): m is ViewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const { type, kind, id, svg } = m as Record<string, unknown>;
  if (type === 'ready') return true;
  if (type === 'state') return isViewState((m as { state?: unknown }).state);
  if (type === 'reveal') return (kind === 'service' || kind === 'target') && typeof id === 'string';
  return type === 'export' && typeof svg === 'string';
}

function isViewState(s: unknown): s is ViewState {
  const { filter, transform } = (s ?? {}) as Partial<ViewState>;
  return typeof filter === 'string' && !!transform && [transform.x, transform.y, transform.k].every((n) => typeof n === 'number' && Number.isFinite(n));
}
