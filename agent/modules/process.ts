// `process`: runs the component's daemon under a small supervisor of ours, which restarts it
// when it dies and stops it cleanly (SIGTERM to its process group, SIGKILL after a grace
// period). The daemon is `container_process` if set, else the one program in `bin/`.

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from '../errors';
import type { ActivityContext, BuiltinModule, StatusContext, StatusReader } from './module';
import { isAlive, readDaemonRecord, recordFileOf, SUPERVISE_FLAG } from '../supervisor';

const STOP_GRACE_MS = 20_000;

export const processModule: BuiltinModule = async (ctx) => {
  if (ctx.activity === 'activate') await start(ctx);
  else if (ctx.activity === 'deactivate') await stop(ctx);
  // A process keeps no state of its own: the other activities have nothing to do.
};

function files(ctx: StatusContext): { pidFile: string; logFile: string } {
  return { pidFile: join(ctx.paths.run, ctx.container, `${ctx.componentName}.pid`), logFile: join(ctx.paths.log, ctx.container, `${ctx.componentName}.log`) };
}

function program(ctx: ActivityContext): string {
  if (ctx.env.container_process) return ctx.env.container_process;
  const bin = join(ctx.component, 'bin');
  let names: string[];
  try {
    names = readdirSync(bin);
  } catch {
    throw new AgentError(`${ctx.componentName} has no bin/ folder with a program to run (or set the container property container_process)`);
  }
  if (names.length !== 1) throw new AgentError(`${ctx.componentName} has ${names.length} programs in bin/ (${names.join(', ')}): set the container property container_process to the one to run`);
  return join(bin, names[0]);
}

/** The supervisor's pid, if one runs for this component. */
function runningSupervisor(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && isAlive(pid, pidFile) ? pid : undefined;
}

async function start(ctx: ActivityContext): Promise<void> {
  const { pidFile, logFile } = files(ctx);
  if (runningSupervisor(pidFile) !== undefined) return;
  const exe = program(ctx);
  mkdirSync(join(pidFile, '..'), { recursive: true });
  mkdirSync(join(logFile, '..'), { recursive: true });
  const [node, ...self] = ctx.selfCommand;
  const child = spawn(node, [...self, SUPERVISE_FLAG, pidFile, logFile, exe], { env: ctx.env, cwd: ctx.component, detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const answer = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stdout!.on('close', () => resolve(out.trim()));
    child.on('error', (e) => resolve(`exited ${e.message}`));
  });
  child.unref();
  if (answer !== 'running') {
    let tail = '';
    try {
      // The daemon's own last words, without the supervisor's notes.
      tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').filter((l) => !l.startsWith('[supervisor ')).slice(-10).join('\n  ');
    } catch {
      // no log written
    }
    throw new AgentError(`${ctx.componentName}: ${exe} did not keep running (${answer || 'no answer from its supervisor'})${tail ? `; its log (${logFile}) ends:\n  ${tail}` : ''}`);
  }
  ctx.log(`process: started ${exe} (log: ${logFile})`);
}

async function stop(ctx: ActivityContext): Promise<void> {
  const { pidFile } = files(ctx);
  const pid = runningSupervisor(pidFile);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isAlive(pid, pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (isAlive(pid, pidFile)) {
    process.kill(pid, 'SIGKILL');
    ctx.log(`process: ${ctx.componentName}'s supervisor did not stop within ${STOP_GRACE_MS / 1000} s and was killed`);
  }
  rmSync(pidFile, { force: true });
  rmSync(recordFileOf(pidFile), { force: true });
  ctx.log(`process: stopped ${ctx.componentName}`);
}

const when = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Asks the daemon's supervisor's record, and the processes themselves, what runs. */
export const processStatus: StatusReader = (ctx) => {
  const { pidFile, logFile } = files(ctx);
  const supervised = runningSupervisor(pidFile) !== undefined;
  const record = readDaemonRecord(pidFile);
  const log = logFile;
  if (!record) return supervised ? { state: 'unknown', detail: 'its supervisor keeps no record (started by an older agent)', log } : { state: 'stopped', detail: 'not running', log };
  const restarted = record.restarts > 0 ? `; restarted ${record.restarts} time${record.restarts === 1 ? '' : 's'}, last after ${record.lastExit?.how}` : '';
  if (record.pid !== undefined && isAlive(record.pid)) {
    const since = `pid ${record.pid}, since ${when(record.since ?? 0)}`;
    return supervised ? { state: 'running', detail: since + restarted, log } : { state: 'running', detail: `${since}; its supervisor is gone, so it is not restarted if it dies`, log };
  }
  const ended = record.lastExit ? `exited with ${record.lastExit.how} at ${when(record.lastExit.at)}` : 'it ended';
  if (supervised) return { state: 'failed', detail: `${ended}; ${record.nextStart ? `restarting at ${when(record.nextStart)}` : 'restarting'}`, log };
  return record.lastExit ? { state: 'failed', detail: `${ended}, and its supervisor is gone`, log } : { state: 'stopped', detail: 'not running: it and its supervisor were stopped from outside the deployment', log };
};
