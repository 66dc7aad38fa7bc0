// Where an agent keeps its things. One state directory holds everything, so several agents
// (the targets of a local network, tests) can live side by side on one machine.

import { join } from 'node:path';
import { dnxStateHome } from '../core/state-home';
import { AgentError } from './errors';

export interface AgentPaths {
  root: string;
  /** Our own content-addressed store, for objects that do not come from Nix. */
  store: string;
  /** Target profiles: `<profile>` -> `<profile>-<N>-link` -> profile object. */
  profiles: string;
  locks: string;
  /** `DYSNOMIA_STATEDIR`: snapshots, generations, activated, garbage. */
  dysnomia: string;
  /** Pid files of supervised processes. */
  run: string;
  log: string;
}

/** `--state-dir`, else `$DNX_AGENT_STATE_DIR`, else `/var/lib/dnx-agent` (root) or `~/.local/state/dnx/agent`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DNX_AGENT_STATE_DIR) return env.DNX_AGENT_STATE_DIR;
  if (process.getuid?.() === 0) return '/var/lib/dnx-agent';
  return join(dnxStateHome(env), 'agent');
}

export function agentPaths(root: string, env: NodeJS.ProcessEnv = process.env): AgentPaths {
  return {
    root,
    store: join(root, 'store'),
    profiles: join(root, 'profiles'),
    locks: join(root, 'locks'),
    dysnomia: env.DYSNOMIA_STATEDIR || join(root, 'dysnomia'),
    run: join(root, 'run'),
    log: join(root, 'log'),
  };
}

/**
 * Where packages go: `DNX_AGENT_STORE` (`nix` or `own`), else the real Nix store when Nix is
 * installed, this user may write its store, and the state directory is the machine's (not one
 * of several agents side by side, as the local targets of an embedded network are).
 */
export function storeKindFor(stateDirGiven: boolean, env: NodeJS.ProcessEnv, nixWritable: () => boolean): 'own' | 'nix' {
  const asked = env.DNX_AGENT_STORE;
  if (asked === 'nix' || asked === 'own') return asked;
  if (asked) throw new AgentError(`DNX_AGENT_STORE must be 'nix' or 'own', not '${asked}'`);
  return !stateDirGiven && nixWritable() ? 'nix' : 'own';
}
