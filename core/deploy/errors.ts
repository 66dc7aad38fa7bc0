/** A deployment that cannot go on, with a message for the user. */
export class DeployError extends Error {}

/**
 * What a target refused, as data: read once from what it said (core/deploy/transports/output.ts),
 * so the phases never parse messages. `locked`: the profile's lock is held by `holder` (one of
 * our lock owners, as JSON, or whatever the target named).
 */
export type Refusal = { kind: 'locked'; holder: string };

/** An operation on a target failed: the target, the operation, what it said, and what it refused. */
export class TargetError extends DeployError {
  constructor(
    readonly target: string,
    readonly operation: string,
    message: string,
    readonly refusal?: Refusal,
  ) {
    super(`${target}: ${operation}: ${message}`);
  }
}

/** The refusal a target's message states, in the words our agent's lock refusals use. */
export function refusalIn(message: string): Refusal | undefined {
  const locked = /is locked by (.*?)(?:, not by .*)?$/s.exec(message);
  return locked ? { kind: 'locked', holder: locked[1] } : undefined;
}

/** What `e` says the target refused, if it is a target's refusal. */
export function refusalOf(e: unknown): Refusal | undefined {
  return e instanceof TargetError ? e.refusal : undefined;
}
