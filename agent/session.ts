// The agent's side of a session (core/deploy/session-protocol.ts): reads operations from
// `input` until it ends, runs each as it arrives, and waits for all of them before returning.
// Should the coordinator go away, what runs is finished all the same, so the target's state
// stays as the operation leaves it.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AGENT_ERROR, parseArgv, type Request } from '../core/deploy/protocol';
import { streams, type SessionReady, type SessionReply, type SessionRequest } from '../core/deploy/session-protocol';
import type { Agent } from './agent';
import { runOperation } from './operation';

export async function serveSession(agent: Agent, input: Readable, output: Writable): Promise<void> {
  let connected = true;
  output.on('error', () => (connected = false));
  const send = (m: SessionReply | SessionReady) => {
    if (connected) output.write(JSON.stringify(m) + '\n');
  };
  const serve = async (id: number, argv: string[]) => {
    let request: Request;
    try {
      request = parseArgv(argv).request;
      if (streams(request)) throw new Error(`--${request.op} with standard input or output needs a channel of its own, not a session`);
    } catch (e) {
      send({ id, log: AGENT_ERROR + (e as Error).message });
      return send({ id, exit: 2 });
    }
    const exit = await runOperation(agent, request, { out: (line) => send({ id, out: line }), log: (line) => send({ id, log: line }) });
    send({ id, exit });
  };

  send({ session: 1, store: agent.storeKind });
  const running = new Set<Promise<void>>();
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const message = parseRequest(line);
    if (!message) {
      process.stderr.write(`${AGENT_ERROR}not a session request: ${line.slice(0, 200)}\n`);
      continue;
    }
    const done: Promise<void> = serve(message.id, message.argv).finally(() => running.delete(done));
    running.add(done);
  }
  await Promise.all(running);
}

function parseRequest(line: string): SessionRequest | undefined {
  try {
    const m = JSON.parse(line) as Partial<SessionRequest>;
    if (Number.isInteger(m.id) && Array.isArray(m.argv) && m.argv.every((a) => typeof a === 'string')) return m as SessionRequest;
  } catch {
    // answered below
  }
  return undefined;
}
