// What a deployment reports as it goes (executor.ts emits them; the terminal prints them, the
// editor reads them from `dnx deploy --events-fd`, and the graph's live state follows them).
// Types only, with no imports, so the webview can use them too.

export type DeployPhase = 'distribute' | 'lock' | 'deactivate' | 'activate' | 'snapshot' | 'restore' | 'delete-state' | 'set-profile' | 'set-coordinator-profile' | 'unlock' | 'rollback';

export interface DeployEvent {
  phase: DeployPhase;
  state: 'start' | 'done' | 'failed';
  target?: string;
  /** With `service`: the container it is in, so the instance is known exactly. */
  container?: string;
  service?: string;
  /** What a service step does: tells a rollback's activations from its deactivations. */
  activity?: 'activate' | 'deactivate';
  message?: string;
}
