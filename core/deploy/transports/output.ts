// What a client program prints, as every transport reads it: standard output is the answer,
// one result per line; standard error is passed on line by line and its last lines kept, so a
// failure can say what the target said.

import { refusalIn, TargetError } from '../errors';
import { AGENT_ERROR } from '../protocol';
import { LineSplitter } from '../lines';
import type { TargetLog } from '../transport';

const TAIL = 15;

export class ClientOutput {
  private out = '';
  private readonly errLines = new LineSplitter((l) => this.line(l));
  private readonly tail: string[] = [];

  constructor(
    private readonly target: string,
    private readonly operation: string,
    private readonly log: TargetLog,
  ) {}

  stdout(chunk: Buffer | string): void {
    this.out += chunk.toString();
  }

  stderr(chunk: Buffer): void {
    this.errLines.push(chunk);
  }

  /** One whole line of standard error (a session delivers them so). */
  line(l: string): void {
    this.log(this.target, l);
    this.tail.push(l);
    if (this.tail.length > TAIL) this.tail.shift();
  }

  /** The answer's lines when the program succeeded; otherwise the error to report. */
  finish(code: number | null, signal: string | null, sendError?: Error): string[] {
    this.errLines.end();
    if (code === 0 && !sendError) return this.out.split('\n').filter((l) => l !== '');
    const why = sendError && code === 0 ? `sending failed: ${sendError.message}` : this.said() || (signal ? `killed by ${signal}` : code === null ? 'no exit status' : `exit status ${code}`);
    throw new TargetError(this.target, this.operation, why, refusalIn(why));
  }

  /** Our agent ends with its error message (which may span lines); other clients just print. */
  private said(): string {
    const tail = this.tail;
    let marker = tail.length - 1;
    while (marker >= 0 && !tail[marker].startsWith(AGENT_ERROR)) marker--;
    if (marker >= 0) return [tail[marker].slice(AGENT_ERROR.length), ...tail.slice(marker + 1).map((l) => l.trim())].filter(Boolean).join(' ');
    return tail.filter((l) => l.trim()).slice(-3).join('; ');
  }
}
