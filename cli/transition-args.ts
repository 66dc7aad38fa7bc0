// The flags that change a deployment's steps, as disnix-env takes them: read by `dnx deploy`
// and `dnx plan` alike, so the plan printed is asked for in the same words as the deployment.

import type { TransitionOptions } from '../core/plan/transition';

const FLAGS: Record<string, keyof TransitionOptions> = {
  '--no-upgrade': 'noUpgrade',
  '--no-lock': 'noLock',
  '--no-migration': 'noMigration',
  '--delete-state': 'deleteState',
  '--no-target-profiles': 'noTargetProfiles',
  '--no-coordinator-profile': 'noCoordinatorProfile',
};

export const transitionOptionsHelp = `  --no-upgrade               redeploy everything, ignoring what runs now
  --no-lock                  do not lock the targets
  --no-migration             do not move the state of deployState services
  --delete-state             delete the state of services that were moved or removed
  --no-target-profiles       do not set the target profiles
  --no-coordinator-profile   do not record the deployment as a generation`;

/** Sets the option `flag` names; false when it names none. */
export function readTransitionFlag(flag: string, out: TransitionOptions): boolean {
  const option = FLAGS[flag];
  if (!option) return false;
  out[option] = true;
  return true;
}
