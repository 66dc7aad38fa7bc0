// `dnx lock`: `disnix-lock`. Locks (or unlocks) the profile on every target of the deployed
// manifest, so no deployment runs while someone works on the machines. A lock taken here names
// the user and host but no process, so it is never mistaken for one left by a dead deployment;
// `--unlock` releases it, and `--unlock --force` breaks anyone's lock.

import { hostname, userInfo } from 'node:os';
import { DeployJournal } from '../core/deploy/journal';
import { refusalOf } from '../core/deploy/errors';
import { describeOwner, lockRefusal, parseLockOwner, type LockOwner } from '../core/deploy/lock-owner';
import type { ManifestTarget } from '../core/plan/types';
import { ArgReader, UsageError } from './args';
import { coordinatorOptionsHelp, openProfile, readCoordinatorFlag, readManifestFile, type CoordinatorArgs } from './coordinator-args';
import { defaultTargetArgs, onEveryTarget, openClients, readTargetFlag, targetOptionsHelp, type TargetArgs } from './targets';

export const lockUsage = `usage: dnx lock [-u|--unlock [--force]] [options] [MANIFEST]

Locks the profile on every target of the deployed configuration (or of MANIFEST), so that no
deployment runs until it is unlocked. A target whose services refuse the lock is left
unlocked, and the command fails.

${coordinatorOptionsHelp}

${targetOptionsHelp}

options:
  -u, --unlock   release the lock taken with dnx lock
  --force        with --unlock: release whatever lock is there, also one held by a deployment`;

export async function runLock(argv: string[]): Promise<number> {
  const args: CoordinatorArgs & TargetArgs & { unlock: boolean; force: boolean; manifest?: string } = { unlock: false, force: false, ...defaultTargetArgs() };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readCoordinatorFlag(a, r, args) || readTargetFlag(a, r, args)) continue;
    if (a === '-u' || a === '--unlock') args.unlock = true;
    else if (a === '--force') args.force = true;
    else if (!a.startsWith('-') && args.manifest === undefined) args.manifest = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (args.force && !args.unlock) throw new UsageError('--force only goes with --unlock');
  const profile = openProfile(args);
  let infrastructure: Record<string, ManifestTarget>;
  if (args.manifest) infrastructure = readManifestFile(args.manifest).infrastructure;
  else {
    // The targets of the deployed generation, and of a deployment that did not end cleanly.
    const interrupted = new DeployJournal(profile.journalFile).read();
    infrastructure = { ...interrupted?.from.infrastructure, ...interrupted?.to.infrastructure, ...profile.read()?.infrastructure };
  }
  const targets = Object.keys(infrastructure).sort();
  if (targets.length === 0) {
    process.stderr.write(`dnx lock: nothing is deployed with profile '${profile.profile}'; name a manifest to lock its targets\n`);
    return 1;
  }
  const owner = JSON.stringify({ host: hostname(), user: userInfo().username } satisfies LockOwner);
  const { results, ok } = await onEveryTarget(openClients(infrastructure, args), targets, async (c) => {
    try {
      await c.call({ op: args.unlock ? 'unlock' : 'lock', profile: profile.profile, owner: args.force ? undefined : owner, force: args.force });
    } catch (e) {
      const refusal = refusalOf(e);
      const holder = refusal?.kind === 'locked' ? parseLockOwner(refusal.holder) : undefined;
      if (!holder) throw e;
      throw new Error(args.unlock ? `the lock there is not yours: ${describeOwner(holder)}; break it with --force` : lockRefusal(profile.profile, holder));
    }
  });
  for (const t of results.keys()) process.stdout.write(`${t}: ${args.unlock ? 'unlocked' : 'locked'}\n`);
  return ok ? 0 : 1;
}
