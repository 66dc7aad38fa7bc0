// `dnx agent` (also the stand-alone bundle `dist/agent.js`, to copy to a machine): runs one
// client interface operation with Disnix's command line, like `disnix-run-activity`.
// Results go to standard output, one per line; messages to standard error; exit status 0 on
// success, 1 on failure, 2 on a usage error. `--session` serves many operations instead
// (core/deploy/session-protocol.ts).

import { AGENT_ERROR, parseArgv, ProtocolError } from '../core/deploy/protocol';
import { Agent } from './agent';
import { nixStoreWritable } from '../core/deploy/nix-store';
import { defaultStateDir, storeKindFor } from './config';
import { runOperation } from './operation';
import { SESSION_FLAG } from '../core/deploy/session-protocol';
import { serveSession } from './session';
import { soapMain } from './soap/main';
import { supervise, SUPERVISE_FLAG } from './supervisor';

export const agentUsage = `usage: dnx agent [--state-dir DIR] OPERATION [OPTIONS] [PATHS...]

Runs one operation of Disnix's client interface on this machine (as disnix-run-activity):
  --import --localfile FILE|-      --export [--stdout] PATHS           --print-invalid PATHS
  --realise PATHS                  --set -p PROFILE PATH               --query-installed [-p PROFILE]
  --query-requisites PATHS         --collect-garbage [-d]              --capture-config
  --activate|--deactivate|--snapshot|--restore|--delete-state --type TYPE [--container NAME]
        [--arguments KEY=VALUE]... PATH
  --lock|--unlock [-p PROFILE] [--owner TEXT] [--force]
  --query-all-snapshots|--query-latest-snapshot -C CONTAINER -c COMPONENT
  --print-missing-snapshots|--resolve-snapshots|--export-snapshots PATHS
  --import-snapshots --localfile -C CONTAINER -c COMPONENT FOLDERS
  --clean-snapshots [--keep N] [-C CONTAINER] [-c COMPONENT]
  --session                        operations as JSON lines on standard input, until it ends
  soap [OPTIONS]                   serve the operations as a DisnixWebService (dnx soap-server --help)
  --query-status [-p PROFILE]      (ours) what each installed service is doing now, as JSON:
                                   running, stopped, failed or unknown, with details and its log

The state (store, profiles, locks, Dysnomia state) lives in --state-dir, else
$DNX_AGENT_STATE_DIR, else /var/lib/dnx-agent (root) or ~/.local/state/dnx/agent.
Packages go into the real Nix store when Nix is installed and writable and no --state-dir is
given, else into the agent's own store; DNX_AGENT_STORE=nix or own decides instead.`;

export async function agentMain(argv: string[], selfCommand: string[]): Promise<number> {
  if (argv[0] === 'soap') return soapMain(argv.slice(1), selfCommand);
  if (argv[0] === SUPERVISE_FLAG) {
    const [pidFile, logFile, program] = argv.slice(1);
    supervise(pidFile, logFile, program);
    return new Promise(() => undefined); // the supervisor ends the process itself
  }
  let stateDir = defaultStateDir();
  let stateDirGiven = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--state-dir') {
      stateDir = argv[++i] ?? '';
      stateDirGiven = true;
    }
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(agentUsage + '\n');
      return 0;
    } else rest.push(argv[i]);
  }
  const session = rest.length === 1 && rest[0] === SESSION_FLAG;
  let request;
  try {
    if (!stateDir) throw new ProtocolError('--state-dir needs a value');
    if (!session) request = parseArgv(rest).request;
  } catch (e) {
    process.stderr.write(`dnx agent: ${(e as Error).message}\n${agentUsage}\n`);
    return 2;
  }
  let agent: Agent;
  try {
    agent = new Agent(stateDir, selfCommand, process.env, storeKindFor(stateDirGiven, process.env, nixStoreWritable));
  } catch (e) {
    process.stderr.write(`${AGENT_ERROR}${(e as Error).message}\n`);
    return 1;
  }
  if (session) {
    await serveSession(agent, process.stdin, process.stdout);
    return 0;
  }
  return runOperation(agent, request!, {
    out: (line) => process.stdout.write(line + '\n'),
    log: (line) => process.stderr.write(line + '\n'),
    stdout: process.stdout,
    stdin: process.stdin,
  });
}

/** Runs the agent with this process's command line and sets its exit status. */
export function runAgentProcess(argv: string[], selfCommand: string[]): void {
  agentMain(argv, selfCommand).then((code) => {
    process.exitCode = code;
  });
}

// As its own bundle (`node agent.js ...`) or loaded by `dnx agent ...`; `dnx-agent` calls
// runAgentProcess itself.
if (require.main === module) runAgentProcess(process.argv.slice(2), [process.execPath, process.argv[1]]);
else if (process.argv[2] === 'agent') runAgentProcess(process.argv.slice(3), [process.execPath, process.argv[1], 'agent']);
else if (process.argv[2] === 'soap-server') runAgentProcess(['soap', ...process.argv.slice(3)], [process.execPath, process.argv[1], 'agent']);
