// The `dnx` commands, run inside the worker main.ts starts (or, for those that evaluate no Nix,
// on the main thread). Each subcommand is one module.

import { parentPort } from 'node:worker_threads';
import { VERSION } from '../core/version';
import { UsageError } from './args';
import { afterCommand } from './code-cache';
import { PHASE_COMMANDS } from './phase-names';

const usage = `usage: dnx <command> [options]

commands:
  eval       evaluate a Nix expression to JSON (like nix-instantiate --eval --strict --json)
  validate   check Disnix models and print every problem found
  manifest   print the manifest of the models (JSON, or Disnix's XML with --xml)
  plan       show what deploying the models would change, and the steps, in order
  deploy     deploy the models (as disnix-env), roll back, switch or list generations
  distribute | activate | migrate | set
             one phase of a deployment, over a built manifest (as disnix-distribute,
             disnix-activate, disnix-migrate and disnix-set)
  query      list the services each target runs
  lock       lock (or unlock) the targets against deployments
  collect-garbage  delete what no profile keeps from every target's store
  capture-infra    print an infrastructure model of what the targets report
  visualize  draw the deployment as Graphviz DOT or SVG
  demo       deploy the hello-world example to local targets on this machine
  testnet    make or remove a throwaway network of hosts with sshd on this machine (root)
  agent      run one client interface operation on this machine (the target side)
  soap-server  serve this machine's agent as a DisnixWebService (SOAP, HTTP or HTTPS)
  soap-client  run one operation on a DisnixWebService (as disnix-soap-client)

Run 'dnx <command> --help' for a command's options; 'dnx --version' prints the version.`;

interface Command {
  run: (argv: string[]) => Promise<number>;
  usage: string;
}

// Each command's module is loaded when it runs, so a command pays only for what it uses
// (`dnx eval` loads no SSH library): esbuild keeps a required module's start-up until then.
/* eslint-disable @typescript-eslint/no-require-imports */
const commands: Record<string, () => Command> = {
  eval: () => ((m: typeof import('./eval')) => ({ run: m.runEval, usage: m.evalUsage }))(require('./eval')),
  validate: () => ((m: typeof import('./validate')) => ({ run: m.runValidate, usage: m.validateUsage }))(require('./validate')),
  manifest: () => ((m: typeof import('./manifest')) => ({ run: m.runManifest, usage: m.manifestUsage }))(require('./manifest')),
  plan: () => ((m: typeof import('./plan')) => ({ run: m.runPlan, usage: m.planUsage }))(require('./plan')),
  deploy: () => ((m: typeof import('./deploy')) => ({ run: m.runDeploy, usage: m.deployUsage }))(require('./deploy')),
  query: () => ((m: typeof import('./query')) => ({ run: m.runQuery, usage: m.queryUsage }))(require('./query')),
  lock: () => ((m: typeof import('./lock')) => ({ run: m.runLock, usage: m.lockUsage }))(require('./lock')),
  'collect-garbage': () => ((m: typeof import('./collect-garbage')) => ({ run: m.runCollectGarbage, usage: m.collectGarbageUsage }))(require('./collect-garbage')),
  'capture-infra': () => ((m: typeof import('./capture-infra')) => ({ run: m.runCaptureInfra, usage: m.captureInfraUsage }))(require('./capture-infra')),
  visualize: () => ((m: typeof import('./visualize')) => ({ run: m.runVisualize, usage: m.visualizeUsage }))(require('./visualize')),
  demo: () => ((m: typeof import('./demo')) => ({ run: m.runDemo, usage: m.demoUsage }))(require('./demo')),
  testnet: () => ((m: typeof import('./testnet')) => ({ run: m.runTestnet, usage: m.testnetUsage }))(require('./testnet')),
  'soap-client': () => ((m: typeof import('./soap-client')) => ({ run: m.runSoapClient, usage: m.soapClientUsage }))(require('./soap-client')),
  ...Object.fromEntries(
    PHASE_COMMANDS.map((name) => [name, () => ((m: typeof import('./phases')) => ({ run: (argv: string[]) => m.runPhase(name, argv), usage: m.phaseUsage(name) }))(require('./phases'))]),
  ),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`dnx ${VERSION}\n`);
    return 0;
  }
  const command = commands[name]?.();
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

// In a worker the main thread sets the exit status; a command run on the main thread sets it itself.
const finish = (code: number) => {
  afterCommand();
  if (parentPort) parentPort.postMessage(code);
  else process.exitCode = code;
};
main(process.argv.slice(2)).then(finish, (e: unknown) => {
  process.stderr.write(`dnx: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  finish(70);
});
