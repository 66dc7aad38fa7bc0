// The coordinator's side of an agent session (../session-protocol.ts), whatever carries it:
// operations go out as they are asked for, and answers are matched to them by their id. Each
// operation's answer is read as a process of its own would be (./output.ts), so a failure
// says what the agent said, in the same words.

import type { Writable } from 'node:stream';
import { TargetError } from '../errors';
import { LineSplitter } from '../lines';
import type { SessionReady, SessionReply, SessionRequest } from '../session-protocol';
import type { TargetLog } from '../transport';
import { ClientOutput } from './output';

interface Waiting {
  operation: string;
  output: ClientOutput;
  resolve(lines: string[]): void;
  reject(e: Error): void;
}

const SAID = 3;

export class AgentSession {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly replies = new LineSplitter((l) => this.reply(l));
  private readonly errors = new LineSplitter((l) => this.agentSaid(l));
  /** The agent's last messages outside any operation (why it ended, when it does). */
  private readonly said: string[] = [];
  private isReady = false;
  /** Where the agent keeps packages, as it said once ready. */
  store?: SessionReady['store'];
  private endedWhy?: string;
  private settleReady!: (ready: boolean) => void;
  /** Whether the agent serves sessions: settles with its first message, or when it ends before that. */
  readonly ready = new Promise<boolean>((resolve) => (this.settleReady = resolve));

  constructor(
    readonly target: string,
    /** The agent's standard input. */
    private readonly input: Writable,
    private readonly log: TargetLog,
  ) {
    input.on('error', () => undefined); // an ended session is reported by end()
  }

  /** Feeds the agent's standard output. */
  stdout(chunk: Buffer): void {
    this.replies.push(chunk);
  }

  /** Feeds the agent's standard error: its own messages, not any operation's. */
  stderr(chunk: Buffer): void {
    this.errors.push(chunk);
  }

  call(argv: string[], operation: string): Promise<string[]> {
    if (this.endedWhy !== undefined) return Promise.reject(new TargetError(this.target, operation, this.endedWhy));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { operation, output: new ClientOutput(this.target, operation, this.log), resolve, reject });
      this.input.write(JSON.stringify({ id, argv } satisfies SessionRequest) + '\n');
    });
  }

  /** No more operations: the agent finishes those it runs, then ends. */
  close(): void {
    this.input.end();
  }

  /** The agent or its channel ended: every operation still waiting fails with `why`. */
  end(why: string): void {
    this.replies.end();
    this.errors.end();
    this.endedWhy ??= this.said.length > 0 ? `${why}: ${this.said.join('; ')}` : why;
    this.settleReady(false);
    for (const w of this.waiting.values()) w.reject(new TargetError(this.target, w.operation, this.endedWhy));
    this.waiting.clear();
  }

  private reply(line: string): void {
    let m: SessionReply | SessionReady;
    try {
      m = JSON.parse(line) as SessionReply | SessionReady;
    } catch {
      return this.agentSaid(line);
    }
    if ('session' in m) {
      this.isReady = true;
      this.store = m.store;
      return this.settleReady(true);
    }
    const w = this.waiting.get(m.id);
    if (!w) return;
    if ('out' in m) w.output.stdout(m.out + '\n');
    else if ('log' in m) for (const l of m.log.split('\n')) w.output.line(l); // as standard error would have it
    else {
      this.waiting.delete(m.id);
      try {
        w.resolve(w.output.finish(m.exit, null));
      } catch (e) {
        w.reject(e as Error);
      }
    }
  }

  /** An agent without sessions prints its usage and ends; that is not worth showing. */
  private agentSaid(line: string): void {
    if (!this.isReady) return;
    this.log(this.target, line);
    this.said.push(line);
    if (this.said.length > SAID) this.said.shift();
  }
}
