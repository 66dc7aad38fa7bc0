// The first code of dnx's worker thread: runs the command bundle (dist/dnx-worker.js) from V8's
// code cache when there is one (./code-cache.ts says why and where).

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { threadId, workerData } from 'node:worker_threads';
import { AFTER_COMMAND } from './code-cache';

const { bundle, cacheDir } = workerData as { bundle: string; cacheDir?: string };
const source = readFileSync(bundle, 'utf8');
const name = basename(bundle, '.js');
const file = cacheDir && join(cacheDir, `${name}-${createHash('sha1').update(source).update(process.version).digest('hex').slice(0, 20)}.bin`);
let cachedData: Buffer | undefined;
try {
  if (file) cachedData = readFileSync(file);
} catch {
  // none yet
}
// The bundle must not use `import()`: a script run this way has no module loader for it.
const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
if (cacheDir && file && (!cachedData || script.cachedDataRejected)) {
  (globalThis as { [AFTER_COMMAND]?: () => void })[AFTER_COMMAND] = () => {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}-${threadId}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, file);
      // The caches of other versions of the bundle are of no more use.
      for (const old of readdirSync(cacheDir)) if (old.startsWith(`${name}-`) && old.endsWith('.bin') && join(cacheDir, old) !== file) rmSync(join(cacheDir, old), { force: true });
    } catch {
      // A cache that cannot be written costs the next run time, nothing else.
    }
  };
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
