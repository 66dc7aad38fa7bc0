/** A deployment that cannot go on, with a message for the user. */
export class DeployError extends Error {}

/** An operation on a target failed: the target, the operation, and what it said. */
export class TargetError extends DeployError {
  constructor(
    readonly target: string,
    readonly operation: string,
    message: string,
  ) {
    super(`${target}: ${operation}: ${message}`);
  }
}
