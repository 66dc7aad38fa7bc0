// Where dnx keeps the coordinator's store and the local targets' state:
// `$DNX_STATE_DIR`, else `$XDG_STATE_HOME/dnx`, else `~/.local/state/dnx`.

import { homedir } from 'node:os';
import { join } from 'node:path';

export function dnxStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DNX_STATE_DIR || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'dnx');
}
