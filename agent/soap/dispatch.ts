// What each DisnixWebService operation does: the agent's operation it stands for (the same
// implementation every transport runs), with attachments streamed in and out. Where the
// reference reads or writes any path a caller names, this refuses what is not the agent's:
// `importm` takes only closures this service exported, `importSnapshots` of folders on this
// machine is not offered, and a snapshot's files stay inside its folder.

import { createReadStream, createWriteStream, realpathSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ComponentActivity, ContainerArguments, Request } from '../../core/deploy/protocol';
import { snapshotFiles, snapshotsTempDir } from '../../core/deploy/snapshot-stream';
import { SoapFault, type Attachment, type SoapCall } from '../../core/soap/envelope';
import { newContentId, type IncomingMessage, type OutgoingAttachment } from '../../core/soap/mtom';
import { ACTIVITY_OPERATIONS, PATH_OPERATIONS } from '../../core/soap/operations';
import { EXPORT_DIR_PREFIX, type Agent, type AgentIO } from '../agent';
import { checkSegment } from '../dysnomia-state';
import { runOperation } from '../operation';

/** An operation's answer: values, or attachments that stream as they are read. */
export type SoapResult = { values: (string | null)[] | number } | { attachments: OutgoingAttachment[] };

const inverse = <K extends string>(table: Record<K, string>) => new Map(Object.entries(table).map(([op, name]) => [name as string, op as K]));
const ACTIVITY_OF = inverse<Exclude<ComponentActivity, 'shell'>>(ACTIVITY_OPERATIONS);
const PATH_OP_OF = inverse<keyof typeof PATH_OPERATIONS>(PATH_OPERATIONS);

export async function dispatch(agent: Agent, call: SoapCall, message: IncomingMessage): Promise<SoapResult> {
  const a = call.args;
  const str = (i: number) => (a[i] as string | null) ?? '';
  const opt = (i: number) => (a[i] as string | null) || undefined;
  const list = (i: number) => ((a[i] as (string | null)[]) ?? []).map((x) => x ?? '');
  const profile = (i: number) => opt(i) ?? 'default';
  const name = call.operation.name;
  const lines = (req: Request, io?: Partial<AgentIO>) => run(agent, req, io);
  const done = async (req: Request, io?: Partial<AgentIO>) => (await lines(req, io), { values: 0 });

  const activity = ACTIVITY_OF.get(name);
  if (activity) {
    const type = str(2);
    return done({ op: activity, path: str(0), container: opt(1) ?? type, type, arguments: containerArguments(list(3)) });
  }
  const pathOp = PATH_OP_OF.get(name);
  if (pathOp) return { values: await lines({ op: pathOp, paths: list(0) }) };
  switch (name) {
    case 'importm':
      return done({ op: 'import', file: exportedClosure(str(0)) });
    case 'importLocalFile':
      return done({ op: 'import', file: '-' }, { stdin: await attachment(message, a[0] as Attachment) });
    case 'export':
      return { values: [(await lines({ op: 'export', paths: list(0) })).join('\n')] };
    case 'exportRemoteFile':
      return { attachments: [{ cid: newContentId(), content: await streamed(agent, { op: 'export', paths: list(0), stdout: true }) }] };
    case 'set':
      return done({ op: 'set', profile: profile(0), path: str(1) });
    case 'queryInstalled':
      return { values: await lines({ op: 'query-installed', profile: profile(0) }) };
    case 'queryStatus':
      return { values: await lines({ op: 'query-status', profile: profile(0) }) };
    case 'collectGarbage':
      return done({ op: 'collect-garbage', deleteOld: a[0] === true });
    case 'lock':
    case 'unlock':
      return done({ op: name, profile: profile(0) });
    case 'lockAs':
    case 'unlockAs':
      return done({ op: name === 'lockAs' ? 'lock' : 'unlock', profile: profile(0), ...(opt(1) ? { owner: opt(1) } : {}), ...(a[2] === true ? { force: true } : {}) });
    case 'queryAllSnapshots':
    case 'queryLatestSnapshot':
      return { values: await lines({ op: name === 'queryAllSnapshots' ? 'query-all-snapshots' : 'query-latest-snapshot', container: str(0), component: str(1) }) };
    case 'exportRemoteSnapshotPaths':
      return { values: await snapshotFiles(agent.snapshotFolder(str(0))) };
    case 'exportRemoteSnapshots': {
      const folder = agent.snapshotFolder(str(0));
      return { attachments: (await snapshotFiles(folder)).map((file) => ({ cid: newContentId(), content: createReadStream(join(folder, file)) })) };
    }
    case 'importSnapshots':
      throw new SoapFault('Server', 'importSnapshots of folders on the target is not offered here: send the snapshot with importLocalSnapshots (disnix-soap-client --import-snapshots --localfile)');
    case 'importLocalSnapshots':
      return importLocalSnapshots(agent, message, str(0), str(1), str(2), a[3] as Attachment[], list(4));
    case 'cleanSnapshots':
      return done({ op: 'clean-snapshots', keep: a[0] as number, ...(opt(1) ? { container: opt(1) } : {}), ...(opt(2) ? { component: opt(2) } : {}) });
    case 'captureConfig':
      return { values: [(await lines({ op: 'capture-config' })).join('\n')] };
    default:
      throw new SoapFault('Server', `${name} is not served`);
  }
}

/** Runs `req` on the agent; resolves with what it printed, or a `Server` fault whose text is its log. */
async function run(agent: Agent, req: Request, io: Partial<AgentIO> = {}): Promise<string[]> {
  const out: string[] = [];
  const log: string[] = [];
  const status = await runOperation(agent, req, { out: (l) => out.push(l), log: (l) => log.push(l), ...io });
  if (status !== 0) throw new SoapFault('Server', log.join('\n'));
  return out;
}

/**
 * What `req` writes to its standard output, once it has written something: a failure before the
 * first byte is a fault (nothing has been answered yet); one after it ends the stream with an
 * error, and so the answer.
 */
async function streamed(agent: Agent, req: Request): Promise<Readable> {
  const stdout = new PassThrough();
  const log: string[] = [];
  const ran = runOperation(agent, req, { out: () => undefined, log: (l) => log.push(l), stdout });
  const first = await Promise.race([new Promise<'data'>((resolve) => stdout.once('readable', () => resolve('data'))), ran]);
  if (first !== 'data' && first !== 0) throw new SoapFault('Server', log.join('\n'));
  void ran.then((status) => (status === 0 ? stdout.end() : stdout.destroy(new Error(log.join('\n')))));
  return stdout;
}

/** `key=value` arguments as the agent takes them. */
function containerArguments(items: string[]): ContainerArguments {
  return items.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new SoapFault('Client', `an argument is KEY=VALUE, got '${kv}'`);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}

/** A closure this service's `export` wrote: `<tmp>/dnx-export-*\/closure` (agent.ts). */
function exportedClosure(path: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new SoapFault('Server', `${path}: no such file`);
  }
  const tmp = realpathSync(tmpdir());
  if (dirname(dirname(real)) !== tmp || !basename(dirname(real)).startsWith(EXPORT_DIR_PREFIX) || basename(real) !== 'closure') {
    throw new SoapFault('Server', `importm takes only a closure this service exported (${path} is not one): send a closure from elsewhere with importLocalFile`);
  }
  return real;
}

/** The content of the one attachment `ref` names: inline, or the request's next part, as it arrives. */
async function attachment(message: IncomingMessage, ref: Attachment | undefined): Promise<Readable> {
  if (!ref) throw new SoapFault('Client', 'the attachment is missing');
  if ('inline' in ref) return Readable.from([ref.inline]);
  const part = await message.nextAttachment();
  if (!part || part.cid !== ref.cid) throw new SoapFault('Client', `attachment <${ref.cid}> is not in the request`);
  return part.content;
}

async function importLocalSnapshots(agent: Agent, message: IncomingMessage, container: string, component: string, snapshot: string, files: Attachment[], paths: string[]): Promise<SoapResult> {
  checkSegment('container', container);
  checkSegment('component', component);
  const id = checkSegment('snapshot', snapshot);
  if (files.length !== paths.length) throw new SoapFault('Client', `importLocalSnapshots got ${files.length} files and ${paths.length} paths`);
  const inside = paths.map((path) => {
    const rel = normalize(path);
    if (!path || isAbsolute(path) || rel === '..' || rel.startsWith('..' + sep)) throw new SoapFault('Client', `'${path}' is not a path inside a snapshot`);
    return rel;
  });
  const dir = await snapshotsTempDir();
  try {
    const folder = join(dir, id);
    await mkdir(folder, { recursive: true });
    // Inline files are at hand; the others are the parts that follow, each written as it comes.
    const byCid = new Map<string, string>();
    for (const [i, f] of files.entries()) {
      if ('inline' in f) await write(Readable.from([f.inline]), join(folder, inside[i]));
      else byCid.set(f.cid, join(folder, inside[i]));
    }
    for (let part = await message.nextAttachment(); part; part = await message.nextAttachment()) {
      const file = byCid.get(part.cid);
      if (!file) throw new SoapFault('Client', `attachment <${part.cid}> is not named in the request`);
      await write(part.content, file);
      byCid.delete(part.cid);
    }
    const [missing] = byCid.keys();
    if (missing !== undefined) throw new SoapFault('Client', `attachment <${missing}> is not in the request`);
    await run(agent, { op: 'import-snapshots', container, component, paths: [folder] });
    return { values: 0 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function write(content: Readable, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await pipeline(content, createWriteStream(file, { flags: 'wx' }));
}
