// Runs a module or a component's program to completion, its output passed on line by line.
// Arguments go to the program as they are: no shell ever sees them.

import { spawn } from 'node:child_process';
import { AgentError } from '../errors';
import type { ActivityContext } from './module';

const TAIL = 20;

export function runProgram(file: string, args: string[], ctx: Pick<ActivityContext, 'env' | 'log'>, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        ctx.log(line);
        tail.push(line);
        if (tail.length > TAIL) tail.shift();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new AgentError(`${what}: cannot run ${file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new AgentError(`${what} failed (${signal ? `signal ${signal}` : `exit status ${code}`})${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}`));
    });
  });
}
