// `dnx collect-garbage`: `disnix-collect-garbage`. Removes from every target's store what no
// profile generation keeps; with `-d`, the old generations first.

import { ArgReader, UsageError } from './args';
import { defaultTargetArgs, onEveryTarget, openClients, readInfrastructure, readInfrastructureFlag, readTargetFlag, targetOptionsHelp, type InfrastructureArgs, type TargetArgs } from './targets';

export const collectGarbageUsage = `usage: dnx collect-garbage -i INFRASTRUCTURE | -A ARCHITECTURE [-d] [options]

Deletes, on every target, the store objects that no profile keeps.

${targetOptionsHelp}

options:
  -d, --delete-old   delete the old profile generations first (then only the current ones keep objects)`;

export async function runCollectGarbage(argv: string[]): Promise<number> {
  const args: TargetArgs & InfrastructureArgs & { deleteOld: boolean } = { deleteOld: false, ...defaultTargetArgs() };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readTargetFlag(a, r, args) || readInfrastructureFlag(a, r, args)) continue;
    if (a === '-d' || a === '--delete-old') args.deleteOld = true;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  const infrastructure = await readInfrastructure(args);
  if (!infrastructure) return 1;
  const { results, ok } = await onEveryTarget(openClients(infrastructure, args), Object.keys(infrastructure).sort(), (c) => c.call({ op: 'collect-garbage', deleteOld: args.deleteOld }));
  for (const [t, dead] of results) process.stdout.write(`${t}: deleted ${dead.length} store object(s)\n`);
  return ok ? 0 : 1;
}
