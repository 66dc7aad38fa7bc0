// `dnx testnet up|down|status`: a throwaway network of real hosts on this machine (network
// namespaces with their own sshd, Nix store and agent state), to deploy to over SSH.

import { join } from 'node:path';
import { dnxStateHome } from '../core/state-home';
import { readTestnet, TestnetError, testnetDown, testnetUp, type TestnetState } from '../core/testnet/testnet';
import { ArgReader, UsageError } from './args';

export const testnetUsage = `usage: dnx testnet up [--hosts N | --host NAME...] [--dir DIR]
       dnx testnet down [--dir DIR]
       dnx testnet status [--dir DIR]

Makes (up), lists (status) or removes (down) a network of throwaway hosts on this machine:
each a network namespace on a private bridge, with its own address, sshd, host key, Nix store
and agent state. Needs root, openssh-server and iproute2. Deploy to it with

  DNX_SSH_CONFIG=DIR/ssh_config dnx deploy -s services.nix -i DIR/infrastructure.nix -d ...

  --hosts N      hosts test1 .. testN (default 3)
  --host NAME    a host of that name (repeatable)
  --dir DIR      where the network's keys, configuration and host state live
                 (default: $XDG_STATE_HOME/dnx/testnet)`;

export async function runTestnet(argv: string[]): Promise<number> {
  const r = new ArgReader(argv);
  const action = r.next();
  let dir = join(dnxStateHome(process.env), 'testnet');
  const hosts: string[] = [];
  let count = 3;
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (a === '--dir') dir = r.value(a);
    else if (a === '--host') hosts.push(r.value(a));
    else if (a === '--hosts') {
      count = Number(r.value(a));
      if (!Number.isInteger(count) || count < 1) throw new UsageError('--hosts needs a whole number of at least 1');
    } else throw new UsageError(`unknown option '${a}'`);
  }
  try {
    switch (action) {
      case 'up': {
        const state = await testnetUp({
          dir,
          hosts: hosts.length > 0 ? hosts : Array.from({ length: count }, (_, i) => `test${i + 1}`),
          agentCommand: [process.execPath, join(__dirname, 'agent.js')],
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(describe(state) + `\nDeploy to it with\n  DNX_SSH_CONFIG=${state.sshConfig} dnx deploy -s SERVICES -i ${state.infrastructure} -d DISTRIBUTION\nLog in with\n  ssh -F ${state.sshConfig} ${state.hosts[0].name}\nTake it down with\n  dnx testnet down --dir ${state.dir}\n`);
        return 0;
      }
      case 'down': {
        const state = await testnetDown(dir);
        process.stdout.write(state ? `took down ${state.hosts.length} host(s) in ${state.dir}\n` : `no test network in ${dir}\n`);
        return 0;
      }
      case 'status': {
        const state = readTestnet(dir);
        process.stdout.write(state ? describe(state) + '\n' : `no test network in ${dir}\n`);
        return state ? 0 : 1;
      }
      default:
        throw new UsageError(action ? `unknown action '${action}'` : 'say up, down or status');
    }
  } catch (e) {
    if (!(e instanceof TestnetError)) throw e;
    process.stderr.write(`dnx testnet: error: ${e.message}\n`);
    return 1;
  }
}

function describe(state: TestnetState): string {
  return [`test network in ${state.dir} (bridge ${state.bridge}):`, ...state.hosts.map((h) => `  ${h.name.padEnd(12)} ${h.address}`)].join('\n');
}
