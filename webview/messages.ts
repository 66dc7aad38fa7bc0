// The messages between the graph webview and the extension. Types only, shared by both sides.

import type { DeploymentGraph, GraphEdge } from '../core/plan/graph';

export type { DeploymentGraph, GraphEdge };

/** Extension to webview. */
export type HostMessage = { type: 'graph'; graph: DeploymentGraph; title: string } | { type: 'error'; message: string };

/** Webview to extension. */
export type ViewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; kind: 'service' | 'target'; id: string }
  | { type: 'export'; svg: string };

/** What the webview keeps across hiding and reopening (vscode.setState). */
export interface ViewState {
  filter: string;
  transform: { x: number; y: number; k: number };
}
