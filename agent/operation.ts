// One operation, start to end: what it prints goes to `io`, and how it ended becomes the exit
// status the client interface knows (0 done, 1 failed), with the failure as the last message.

import { NarError } from '../core/deploy/nar';
import { AGENT_ERROR, ProtocolError, type Request } from '../core/deploy/protocol';
import { StoreError } from '../core/deploy/store';
import type { Agent, AgentIO } from './agent';
import { AgentError } from './errors';

export async function runOperation(agent: Agent, request: Request, io: AgentIO): Promise<number> {
  try {
    await agent.run(request, io);
    return 0;
  } catch (e) {
    io.log(AGENT_ERROR + failure(e));
    return 1;
  }
}

/** What went wrong, for the user: our own errors by their message, anything else in full. */
function failure(e: unknown): string {
  if (e instanceof AgentError || e instanceof ProtocolError || e instanceof StoreError || e instanceof NarError) return e.message;
  const err = e as NodeJS.ErrnoException;
  return err.code && err.path ? `${err.code}: ${err.path}` : (err.stack ?? err.message);
}
