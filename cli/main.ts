// `dnx`: the command line over core/. This module only starts the worker that runs the
// command (dnx-worker.ts), so the main thread loads next to nothing.

import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CANCELLABLE_COMMANDS, onInterrupt } from './cancel';
import { codeCacheDir } from './code-cache';

/**
 * Nix programs recurse deeply; the main thread's stack is small and fixed. The command runs
 * in a worker with a large stack, and with a heap limit that ends runaway evaluation with a
 * clear message instead of a crashed process.
 */
/** Commands that read manifests and talk to targets, and evaluate no Nix. */
const NO_EVALUATION = ['distribute', 'activate', 'migrate', 'set', 'lock', 'testnet', 'soap-client'];

const STACK_MB = 512;
const HEAP_MB = 8192;

// The language server and the agent talk over this process's stdin and stdout, and neither
// evaluates Nix. Loaded by path at run time: each is its own bundle beside this one.
if (process.argv[2] === 'lsp') require(join(__dirname, 'server.js'));
else if (process.argv[2] === 'agent' || process.argv[2] === 'soap-server') require(join(__dirname, 'agent.js'));
// Commands that never evaluate Nix need no large stack: they run here, without a worker to start.
else if (NO_EVALUATION.includes(process.argv[2])) require(join(__dirname, 'dnx-worker.js'));
else startWorker();

function startWorker(): void {
  // The boot runs the command bundle from V8's code cache (./code-cache.ts).
  const worker = new Worker(join(__dirname, 'dnx-boot.js'), {
    argv: process.argv.slice(2),
    workerData: { bundle: join(__dirname, 'dnx-worker.js'), cacheDir: codeCacheDir() },
    resourceLimits: { stackSizeMb: STACK_MB, maxOldGenerationSizeMb: HEAP_MB },
  });
  if (CANCELLABLE_COMMANDS.includes(process.argv[2])) onInterrupt(() => worker.postMessage('cancel'));
  worker.on('message', (code: number) => {
    process.exitCode = code;
  });
  worker.on('error', (e: Error & { code?: string }) => {
    if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      process.stderr.write(`error: evaluation limit exceeded: more than ${HEAP_MB} MB of memory\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`dnx: internal error: ${e.stack ?? e.message}\n`);
      process.exitCode = 70;
    }
  });
}
