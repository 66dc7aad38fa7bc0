// What every deployment phase works with: a client per target, where its progress goes, and
// the signal that cancels it. Phases take the plan and this, and return plain results.

import { DeployError } from '../errors';
import type { DeployEvent } from '../events';
import type { TargetClient } from '../transport';

export interface PhaseContext {
  client(target: string): TargetClient;
  emit(e: DeployEvent): void;
  signal?: AbortSignal;
}

export class Cancelled extends DeployError {
  constructor() {
    super('the deployment was cancelled');
  }
}

export function checkCancel(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled();
}

/** Runs `work` as one step: a start event, then done or failed. */
export async function asStep(ctx: PhaseContext, e: Omit<DeployEvent, 'state'>, work: () => Promise<void>): Promise<void> {
  ctx.emit({ ...e, state: 'start' });
  try {
    await work();
    ctx.emit({ ...e, state: 'done' });
  } catch (err) {
    ctx.emit({ ...e, state: 'failed', message: (err as Error).message });
    throw err;
  }
}
