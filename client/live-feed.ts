// The live state of the service instances (core/deploy/live-state.ts) for the views that
// show it: fed by the deploy commands' steps and the targets view's queries, read by the graph.

import * as vscode from 'vscode';
import { LiveStateBook, type LiveStates } from '../core/deploy/live-state';

export class LiveFeed implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<LiveStates>();
  /** The states after each change. */
  readonly onDidChange = this.emitter.event;
  readonly book = new LiveStateBook(() => this.emitter.fire(this.book.snapshot()));

  dispose(): void {
    this.emitter.dispose();
  }
}
