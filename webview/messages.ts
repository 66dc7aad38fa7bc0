// The messages between the graph webview and the extension. Types only, shared by both sides.

import type { LiveState, LiveStates } from '../core/deploy/live-state';
import type { DeploymentGraph, GraphEdge, GraphService, GraphTarget } from '../core/plan/graph';

export type { DeploymentGraph, GraphEdge, GraphService, GraphTarget, LiveState, LiveStates };

/** Extension to webview. */
export type HostMessage =
  | { type: 'graph'; graph: DeploymentGraph; title: string }
  | { type: 'error'; message: string }
  /** What each service instance is doing now, as far as is known. */
  | { type: 'live'; live: LiveStates }
  /** Before the first graph: the view of the last graph panel, for a panel opened anew. */
  | { type: 'restore'; state: ViewState };

/** Webview to extension. */
export type ViewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; kind: 'service' | 'target'; id: string }
  | { type: 'export'; svg: string }
  /** The view changed: the extension keeps it for the next panel. */
  | { type: 'state'; state: ViewState };

/** What the webview keeps across hiding and reopening (vscode.setState), and the extension across closing. */
export interface ViewState {
  filter: string;
  transform: { x: number; y: number; k: number };
}
