// The `dnx` commands, run inside the worker main.ts starts. Each subcommand is one module.

import { parentPort } from 'node:worker_threads';
import { UsageError } from './args';
import { captureInfraUsage, runCaptureInfra } from './capture-infra';
import { collectGarbageUsage, runCollectGarbage } from './collect-garbage';
import { demoUsage, runDemo } from './demo';
import { deployUsage, runDeploy } from './deploy';
import { evalUsage, runEval } from './eval';
import { lockUsage, runLock } from './lock';
import { manifestUsage, runManifest } from './manifest';
import { PHASE_COMMANDS, phaseUsage, runPhase } from './phases';
import { planUsage, runPlan } from './plan';
import { queryUsage, runQuery } from './query';
import { runTestnet, testnetUsage } from './testnet';
import { runValidate, validateUsage } from './validate';
import { runVisualize, visualizeUsage } from './visualize';

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

Run 'dnx <command> --help' for a command's options.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  eval: { run: runEval, usage: evalUsage },
  validate: { run: runValidate, usage: validateUsage },
  manifest: { run: runManifest, usage: manifestUsage },
  plan: { run: runPlan, usage: planUsage },
  deploy: { run: runDeploy, usage: deployUsage },
  query: { run: runQuery, usage: queryUsage },
  lock: { run: runLock, usage: lockUsage },
  'collect-garbage': { run: runCollectGarbage, usage: collectGarbageUsage },
  'capture-infra': { run: runCaptureInfra, usage: captureInfraUsage },
  visualize: { run: runVisualize, usage: visualizeUsage },
  demo: { run: runDemo, usage: demoUsage },
  testnet: { run: runTestnet, usage: testnetUsage },
  ...Object.fromEntries(PHASE_COMMANDS.map((name) => [name, { run: (argv: string[]) => runPhase(name, argv), usage: phaseUsage(name) }])),
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

const finish = (code: number) => parentPort!.postMessage(code);
main(process.argv.slice(2)).then(finish, (e: unknown) => {
  process.stderr.write(`dnx: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  finish(70);
});
