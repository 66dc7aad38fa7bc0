/** A failure the agent reports to the coordinator as a message (exit status 1), not a crash. */
export class AgentError extends Error {}
