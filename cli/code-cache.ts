// V8's code cache for the command bundle: `dnx` starts a fresh process each time, and most of
// a short command's time went into compiling the same JavaScript again. The worker's entry
// (cli/boot.ts) loads dist/dnx-worker.js through a `vm.Script` with the cached data of the
// last run; when there was none (or V8 refused it: another Node), the data is produced after
// the command ran, so every function it compiled is in it. Kept in the user's cache folder,
// one file per bundle and Node version; `DNX_CODE_CACHE=0` turns it off.

import { homedir } from 'node:os';
import { join } from 'node:path';

/** What the boot leaves for the command to call once it is done, to save the cache. */
export const AFTER_COMMAND = Symbol.for('dnx.afterCommand');

/** The folder of the code cache, or none when it is turned off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DNX_CODE_CACHE === '0') return undefined;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dnx', 'code-cache');
}

/** Saves the code cache when the boot asked for it (the command calls this as it finishes). */
export function afterCommand(): void {
  (globalThis as { [AFTER_COMMAND]?: () => void })[AFTER_COMMAND]?.();
}
