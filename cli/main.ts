// `dnx`: the command line over core/. Each subcommand is one module.

import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { UsageError } from './args';
import { demoUsage, runDemo } from './demo';
import { evalUsage, runEval } from './eval';

const usage = `usage: dnx <command> [options]

commands:
  eval       evaluate a Nix expression to JSON (like nix-instantiate --eval --strict --json)
  demo       evaluate the bundled example models and print them

Run 'dnx <command> --help' for a command's options.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  eval: { run: runEval, usage: evalUsage },
  demo: { run: runDemo, usage: demoUsage },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`dnx: unknown command '${name}'\n${usage}\n`);
    return 2;
  }
  if (rest.includes('--help')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`dnx ${name}: ${e.message}\n${command.usage}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Nix programs recurse deeply; the main thread's stack is small and fixed. The command runs
 * in a worker with a large stack, and with a heap limit that ends runaway evaluation with a
 * clear message instead of a crashed process.
 */
const STACK_MB = 512;
const HEAP_MB = 8192;

function runInWorker(): void {
  const worker = new Worker(__filename, {
    argv: process.argv.slice(2),
    resourceLimits: { stackSizeMb: STACK_MB, maxOldGenerationSizeMb: HEAP_MB },
  });
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

function runHere(): void {
  const finish = (code: number) => (parentPort ? parentPort.postMessage(code) : (process.exitCode = code));
  main(process.argv.slice(2)).then(finish, (e: unknown) => {
    process.stderr.write(`dnx: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    finish(70);
  });
}

if (isMainThread) runInWorker();
else runHere();
