/** A deployment that cannot go on, with a message for the user. */
export class DeployError extends Error {}

/** An operation on a target failed: the target, the operation, and what it said. */
export class TargetError extends DeployError {
  constructor(
    readonly target: string,
    readonly operation: string,
    message: string,
    /** The target could not be reached at all (as opposed to an operation failing there). */
    readonly unreachable = false,
  ) {
    super(`${target}: ${operation}: ${message}`);
  }
}
