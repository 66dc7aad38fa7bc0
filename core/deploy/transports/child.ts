// Runs a client program (our agent, a Disnix client) as a child process: its arguments go to
// it as they are, no shell in between; standard error is passed on line by line, standard
// output collected; an input stream can be piped in.

import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TargetError } from '../errors';
import type { TargetLog } from '../transport';

const TAIL = 15;
const AGENT_ERROR = 'dnx agent: error: ';

export interface ChildCall {
  target: string;
  operation: string;
  command: string[];
  env?: NodeJS.ProcessEnv;
  input?: Iterable<Buffer> | AsyncIterable<Buffer>;
  signal?: AbortSignal;
  log: TargetLog;
}

export function runChild(call: ChildCall): Promise<string[]> {
  const [file, ...args] = call.command;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: call.env ?? process.env, stdio: [call.input ? 'pipe' : 'ignore', 'pipe', 'pipe'], signal: call.signal });
    let out = '';
    let errText = '';
    const tail: string[] = [];
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => {
      errText += c.toString();
      const lines = errText.split('\n');
      errText = lines.pop()!;
      for (const l of lines) {
        call.log(call.target, l);
        tail.push(l);
        if (tail.length > TAIL) tail.shift();
      }
    });
    let inputError: Error | undefined;
    if (call.input) pipeline(Readable.from(call.input), child.stdin!).catch((e: Error) => (inputError = e));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') reject(new TargetError(call.target, call.operation, 'cancelled'));
      else reject(new TargetError(call.target, call.operation, `cannot run ${file}: ${e.code ?? e.message}`, true));
    });
    child.on('close', (code, signal) => {
      if (errText) {
        call.log(call.target, errText);
        tail.push(errText);
      }
      if (code === 0 && !inputError) return resolve(out.split('\n').filter((l) => l !== ''));
      // Our agent ends with its error message (which may span lines); other clients just print.
      let marker = tail.length - 1;
      while (marker >= 0 && !tail[marker].startsWith(AGENT_ERROR)) marker--;
      const said = marker >= 0 ? [tail[marker].slice(AGENT_ERROR.length), ...tail.slice(marker + 1).map((l) => l.trim())].filter(Boolean).join(' ') : tail.filter((l) => l.trim()).slice(-3).join('; ');
      const why = inputError && code === 0 ? `sending failed: ${inputError.message}` : said || (signal ? `killed by ${signal}` : `exit status ${code}`);
      reject(new TargetError(call.target, call.operation, why));
    });
  });
}
