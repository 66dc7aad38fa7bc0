// Ctrl-C during a deployment: the main thread (cli/main.ts) receives SIGINT and tells this
// worker, which aborts the signal the running command watches. The deployment then stops
// starting new work and rolls back.

import { parentPort } from 'node:worker_threads';

const controller = new AbortController();
parentPort?.on('message', (m: unknown) => {
  if (m === 'cancel') controller.abort();
});
// Listening must not keep a finished command's worker alive.
parentPort?.unref();

export function cancellation(): AbortSignal {
  return controller.signal;
}

/** Commands that roll back on Ctrl-C instead of stopping at once. */
export const CANCELLABLE_COMMANDS = ['deploy', 'demo', 'distribute', 'activate', 'migrate', 'set'];
