// Ctrl-C during a deployment: the first SIGINT (or SIGTERM, as an editor or a service manager
// stops it) cancels, and the deployment stops starting new work and rolls back; a second one
// stops at once, and the next deployment recovers from the journal. In a worker, the main
// thread (cli/main.ts) receives the signal and tells the worker, which aborts the signal the
// running command watches; a command run on the main thread listens itself.

import { isMainThread, parentPort } from 'node:worker_threads';

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

/** Calls `cancel` on the first SIGINT or SIGTERM, and exits on the second. */
export function onInterrupt(cancel: () => void): void {
  let asked = false;
  const interrupted = (signal: NodeJS.Signals) => {
    if (asked) process.exit(signal === 'SIGINT' ? 130 : 143);
    asked = true;
    process.stderr.write('\ncancelling: undoing what changed (Ctrl-C again to stop at once)\n');
    cancel();
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
}

if (isMainThread && CANCELLABLE_COMMANDS.includes(process.argv[2])) onInterrupt(() => controller.abort());
