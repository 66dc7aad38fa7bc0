// Where dnx keeps its state: `$XDG_STATE_HOME/dnx`, else `~/.local/state/dnx`. The coordinator
// profiles, the coordinator store, local targets and a non-root agent all live below it.

import { homedir } from 'node:os';
import { join } from 'node:path';

export function dnxStateHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'dnx');
}

/** The coordinator's store and the local targets: `$DNX_STATE_DIR`, else the state home. */
export function dnxStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DNX_STATE_DIR || dnxStateHome(env);
}
