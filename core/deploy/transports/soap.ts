// `soap` (DisnixWebService's `disnix-soap-client`): a target's DisnixWebService, ours or the
// Java one, reached over HTTP or HTTPS at the URL in its `targetEPR` property. Requests are
// written as Axis2's client writes them (MTOM, positional arguments; envelopes without
// attachments gzipped), and closures and snapshots stream both ways as attachments. A fault's
// text is the operation's log, read as any transport reads what the agent said.

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gzipSync } from 'node:zlib';
import { decodeResponse, encodeRequest, SoapFault, type Attachment, type OutgoingValue } from '../../soap/envelope';
import { mtomBody, mtomContentType, mtomEnvelope, newContentId, readAll, readMessage, type OutgoingAttachment } from '../../soap/mtom';
import { ACTIVITY_OPERATIONS, PATH_OPERATIONS, soapOperation } from '../../soap/operations';
import { TargetError } from '../errors';
import type { Request } from '../protocol';
import { snapshotFiles, snapshotsTempDir } from '../snapshot-stream';
import type { LocalStore } from '../store';
import { counting, type FetchedSnapshots, type TargetClient, type TargetLog } from '../transport';
import { ClientOutput } from './output';

export interface SoapClientOptions {
  /** HTTP Basic authentication (`DISNIX_SOAP_CLIENT_USERNAME` / `_PASSWORD`). */
  username?: string;
  password?: string;
  /** CA certificates to trust for an https endpoint, instead of the system's. */
  ca?: Buffer;
  /** A client certificate and its key, for a service that asks for one. */
  cert?: Buffer;
  key?: Buffer;
  log: TargetLog;
}

/** Operations at once per target; Axis2's client opens as many connections as it is asked for. */
const MAX_SOCKETS = 8;
const MAX_ENVELOPE = 64 << 20;

export class SoapClient implements TargetClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  /** The service is the Java one: it has no `lockAs`/`unlockAs`. */
  private plainLocks = false;

  constructor(
    readonly target: string,
    endpoint: string,
    private readonly o: SoapClientOptions,
  ) {
    try {
      this.url = new URL(endpoint);
    } catch {
      throw new TargetError(target, 'connect', `'${endpoint}' is not a URL: a SOAP target's targetEPR is the service's address, such as http://host:8080/DisnixWebService/services/DisnixWebService`);
    }
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new TargetError(target, 'connect', `'${endpoint}' is not an http:// or https:// URL`);
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, ...(o.ca ? { ca: o.ca } : {}), ...(o.cert ? { cert: o.cert, key: o.key } : {}) }) : new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  }

  async call(req: Request): Promise<string[]> {
    const operation = req.op;
    switch (req.op) {
      case 'import':
        await this.send(operation, createReadStream(req.file));
        return [];
      case 'export': {
        const dir = await mkdtemp(join(tmpdir(), 'dnx-export-'));
        const file = join(dir, 'closure');
        await this.fetchClosure(req.paths, (exported) => pipeline(exported, createWriteStream(file)));
        return [file];
      }
      case 'export-snapshots': {
        const fetched = await this.fetchSnapshots(req.paths);
        return fetched.folders;
      }
      case 'import-snapshots':
        await this.sendSnapshots(req.container, req.component, req.paths);
        return [];
      case 'set':
        return this.values(operation, 'set', [req.profile, req.path]);
      case 'query-installed':
        return this.values(operation, 'queryInstalled', [req.profile]);
      case 'query-status':
        return this.values(operation, 'queryStatus', [req.profile]);
      case 'collect-garbage':
        return this.values(operation, 'collectGarbage', [req.deleteOld]);
      case 'lock':
      case 'unlock':
        return this.lock(req);
      case 'query-all-snapshots':
        return this.values(operation, 'queryAllSnapshots', [req.container, req.component]);
      case 'query-latest-snapshot':
        return this.values(operation, 'queryLatestSnapshot', [req.container, req.component]);
      case 'clean-snapshots':
        return this.values(operation, 'cleanSnapshots', [req.keep, req.container ?? null, req.component ?? null]);
      case 'capture-config':
        return this.values(operation, 'captureConfig', []);
      case 'shell':
        throw new TargetError(this.target, operation, 'an interactive shell is not offered over SOAP');
      case 'activate':
      case 'deactivate':
      case 'delete-state':
      case 'snapshot':
      case 'restore':
        return this.values(operation, ACTIVITY_OPERATIONS[req.op], [req.path, req.container, req.type, req.arguments.map(([k, v]) => `${k}=${v}`)]);
      default:
        return this.values(operation, PATH_OPERATIONS[req.op], [req.paths]);
    }
  }

  async sendClosure(store: LocalStore, paths: string[], signal?: AbortSignal): Promise<number> {
    const sent = { bytes: 0 };
    await this.send('import', counting(store.exportPaths(paths), sent), signal);
    return sent.bytes;
  }

  /** Sends a closure in Nix's export format, as `importLocalFile`'s attachment. */
  private async send(operation: string, content: OutgoingAttachment['content'], signal?: AbortSignal): Promise<void> {
    const cid = newContentId();
    await this.values(operation, 'importLocalFile', [{ cid }], [{ cid, content }], signal);
  }

  async fetchClosure(paths: string[], receive: (exported: Readable) => Promise<void>): Promise<void> {
    await this.attachments('export', 'exportRemoteFile', [paths], async (_, content) => receive(content));
  }

  /** Each snapshot's files, listed and then streamed into a folder named by its id. */
  async fetchSnapshots(paths: string[]): Promise<FetchedSnapshots> {
    const dir = await snapshotsTempDir();
    const dispose = () => rm(dir, { recursive: true, force: true });
    try {
      const folders: string[] = [];
      for (const path of paths) {
        const folder = join(dir, basename(path));
        const files = await this.values('export-snapshots', 'exportRemoteSnapshotPaths', [path]);
        await mkdir(folder, { recursive: true });
        await this.attachments('export-snapshots', 'exportRemoteSnapshots', [path], async (i, content) => {
          const rel = files[i];
          if (rel === undefined || relative(folder, join(folder, rel)).startsWith('..')) throw new TargetError(this.target, 'export-snapshots', `the service sent a file outside the snapshot: '${rel}'`);
          await mkdir(dirname(join(folder, rel)), { recursive: true });
          await pipeline(content, createWriteStream(join(folder, rel)));
        });
        folders.push(folder);
      }
      return { folders, dispose };
    } catch (e) {
      await dispose();
      throw e;
    }
  }

  async sendSnapshots(container: string, component: string, folders: string[]): Promise<void> {
    for (const folder of folders) {
      const files = await snapshotFiles(folder);
      const attachments = files.map((f) => ({ cid: newContentId(), content: createReadStream(join(folder, f)) }));
      await this.values('import-snapshots', 'importLocalSnapshots', [container, component, basename(folder), attachments.map((a) => ({ cid: a.cid })), files], attachments);
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /** A lock with its owner where the service is ours; the Java one's plain lock otherwise. */
  private async lock(req: Extract<Request, { op: 'lock' | 'unlock' }>): Promise<string[]> {
    if (!this.plainLocks) {
      try {
        return await this.values(req.op, req.op === 'lock' ? 'lockAs' : 'unlockAs', [req.profile, req.owner ?? null, req.force ?? false]);
      } catch (e) {
        if (!(e instanceof UnknownOperation)) throw e;
        this.plainLocks = true;
      }
    }
    return this.values(req.op, req.op, [req.profile]);
  }

  /** Calls the service's operation `name` with `args` as they are (`dnx soap-client` takes the reference's calls the coordinator does not use). */
  callOperation(operation: string, name: string, args: OutgoingValue[]): Promise<string[]> {
    return this.values(operation, name, args);
  }

  /** Calls `name`; resolves with the values it returned, one per line as a Disnix client prints them. */
  private async values(operation: string, name: string, args: OutgoingValue[], attachments: OutgoingAttachment[] = [], signal?: AbortSignal): Promise<string[]> {
    const op = soapOperation(name)!;
    const res = await this.post(operation, encodeRequest(op, args), attachments, signal);
    const message = await readMessage(res, res.headers['content-type'] ?? 'text/xml', { maxEnvelope: MAX_ENVELOPE });
    const values = this.decoded(operation, () => decodeResponse(message.envelope, op));
    res.resume();
    return op.returns === 'int' ? [] : (values as (string | null)[]).filter((v): v is string => v !== null);
  }

  /** Calls `name`, whose answer is attachments: each is given to `receive` as it arrives, in order. */
  private async attachments(operation: string, name: string, args: OutgoingValue[], receive: (index: number, content: Readable) => Promise<void>): Promise<void> {
    const op = soapOperation(name)!;
    const res = await this.post(operation, encodeRequest(op, args), []);
    const message = await readMessage(res, res.headers['content-type'] ?? 'text/xml', { maxEnvelope: MAX_ENVELOPE });
    const refs = this.decoded(operation, () => decodeResponse(message.envelope, op)) as Attachment[];
    for (const [i, ref] of refs.entries()) {
      if ('inline' in ref) {
        await receive(i, Readable.from([ref.inline]));
        continue;
      }
      const part = await message.nextAttachment().catch((e: Error) => {
        throw new TargetError(this.target, operation, `the answer was cut off: ${e.message}`);
      });
      if (part?.cid !== ref.cid) throw new TargetError(this.target, operation, `the answer lacks attachment <${ref.cid}>`);
      await receive(i, part.content);
    }
  }

  private decoded<T>(operation: string, decode: () => T): T {
    try {
      return decode();
    } catch (e) {
      if (!(e instanceof SoapFault)) throw e;
      if (e.code === 'Client' && /^no operation '/.test(e.message)) throw new UnknownOperation(this.target, operation, e.message);
      // The fault's text is the operation's log: read as what an agent said.
      const said = new ClientOutput(this.target, operation, this.o.log);
      for (const line of e.message.split('\n')) said.line(line);
      return said.finish(1, null) as never;
    }
  }

  /** POSTs a request; resolves with the answer once its status is known (200, or 500 with a fault). */
  private post(operation: string, envelope: string, attachments: OutgoingAttachment[], signal?: AbortSignal): Promise<IncomingMessage> {
    const { boundary, contentType } = mtomContentType();
    const headers: Record<string, string> = { 'content-type': contentType, soapaction: '""', 'accept-encoding': 'gzip', 'user-agent': 'dnx soap-client' };
    if (this.o.username) headers.authorization = `Basic ${Buffer.from(`${this.o.username}:${this.o.password ?? ''}`).toString('base64')}`;
    // As the Java client does, the envelope is gzipped; a closure goes as it is, at the wire's speed.
    let body: Readable;
    if (attachments.length === 0) {
      headers['content-encoding'] = 'gzip';
      body = Readable.from([gzipSync(mtomEnvelope(boundary, envelope))]);
    } else body = Readable.from(mtomBody(boundary, envelope, attachments));
    const request = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const fail = (why: string) => reject(new TargetError(this.target, operation, why));
      const req = request(this.url, { method: 'POST', headers, agent: this.agent, signal }, (res) => {
        const status = res.statusCode ?? 0;
        const answer = (res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip' ? res.pipe(createGunzip()) : res;
        Object.assign(answer, { headers: res.headers, statusCode: status });
        if (status === 200 || status === 500) return resolve(answer as IncomingMessage);
        void readAll(answer, 4096).then(
          (text) => fail(status === 401 ? `the service refused the credentials (${this.o.username ? `user '${this.o.username}'` : 'none given: set DISNIX_SOAP_CLIENT_USERNAME and DISNIX_SOAP_CLIENT_PASSWORD'})` : `HTTP ${status} from ${this.url.href}: ${text.trim().slice(0, 300)}`),
          () => fail(`HTTP ${status} from ${this.url.href}`),
        );
      });
      req.on('error', (e: NodeJS.ErrnoException) => fail(signal?.aborted ? 'cancelled' : connectionError(e, this.url)));
      body.on('error', (e) => req.destroy(e));
      body.pipe(req);
    });
  }
}

/** The service does not have the operation (the Java one lacks ours). */
class UnknownOperation extends TargetError {}

function connectionError(e: NodeJS.ErrnoException, url: URL): string {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (e.code === 'ECONNREFUSED') return `nothing answers at ${where} (is the SOAP service running there?)`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `the host ${url.hostname} is not known`;
  if (e.code === 'ETIMEDOUT' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') return `${where} cannot be reached`;
  // The service's refusal of our certificate (or of none) arrives as a TLS alert.
  if (e.code && /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|HANDSHAKE_FAILURE)/.test(e.code)) return `${where} refused this client's certificate (${e.message}): give one its CA signed with DNX_SOAP_CLIENT_CERT and DNX_SOAP_CLIENT_KEY`;
  if (e.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code)) return `the certificate of ${url.hostname} is not trusted (${e.message}): give its CA with DNX_SOAP_CA_FILE`;
  return e.message;
}
