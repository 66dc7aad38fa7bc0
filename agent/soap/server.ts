// The DisnixWebService service (`dnx-agent soap`, `dnx soap-server`): SOAP over HTTP or HTTPS
// in front of the agent, wire-compatible with the Java one (../shared/reference/dws.md), and
// safe to expose: loopback unless told otherwise, TLS, HTTP Basic authentication, optional
// client certificates, limits on size, time and concurrency. Plain HTTP without authentication
// on an address other than loopback is refused unless forced.

import { createServer as createHttpServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate } from 'node:zlib';
import { decodeRequest, encodeFault, encodeResponse, SoapFault } from '../../core/soap/envelope';
import { mtomBody, mtomContentType, readMessage } from '../../core/soap/mtom';
import { DWS_PATHS } from '../../core/soap/operations';
import { wsdl } from '../../core/soap/wsdl';
import type { Agent } from '../agent';
import type { Credentials } from './credentials';
import { dispatch } from './dispatch';

export interface SoapServerOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer; /** Client certificates must be signed by this CA. */ clientCa?: Buffer };
  credentials?: Credentials;
  /** Listen on a non-loopback address over plain HTTP without authentication all the same. */
  insecure?: boolean;
  limits?: Partial<SoapLimits>;
  log?: (line: string) => void;
}

export interface SoapLimits {
  /** The most bytes of a request's envelope. */
  maxEnvelope: number;
  /** The most bytes of a whole request, attachments included, as sent (compressed or not). */
  maxRequest: number;
  /** The longest a request may take, upload and operation included (an activation can be slow). */
  requestTimeoutMs: number;
  /** Operations run at once; more wait their turn. */
  maxConcurrent: number;
}

export const DEFAULT_LIMITS: SoapLimits = { maxEnvelope: 4 << 20, maxRequest: 64 * 2 ** 30, requestTimeoutMs: 60 * 60_000, maxConcurrent: 16 };

export class SoapServerError extends Error {}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export interface RunningSoapServer {
  /** The service's endpoint URL. */
  url: string;
  close(): Promise<void>;
}

export async function startSoapServer(agent: Agent, o: SoapServerOptions): Promise<RunningSoapServer> {
  if (!o.tls && !o.credentials && !LOOPBACK.test(o.host) && !o.insecure) {
    throw new SoapServerError(`refusing to serve ${o.host} over plain HTTP without authentication: give --tls-cert/--tls-key or --credentials, or --insecure to do it anyway`);
  }
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const gate = new Gate(limits.maxConcurrent);
  const handler = (req: HttpRequest, res: ServerResponse) => void handle(agent, req, res, { ...o, limits, gate }).catch((e: Error) => {
    o.log?.(`soap: ${e.message}`);
    res.destroy();
  });
  const server: Server = o.tls
    ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key, ...(o.tls.clientCa ? { ca: o.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, handler)
    : createHttpServer(handler);
  server.requestTimeout = limits.requestTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `${o.tls ? 'https' : 'http'}://${host}:${port}${DWS_PATHS[0]}`,
    close: () =>
      new Promise((resolve) => {
        // Operations running finish and answer; idle connections go now.
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

interface Context extends SoapServerOptions {
  limits: SoapLimits;
  gate: Gate;
}

async function handle(agent: Agent, req: HttpRequest, res: ServerResponse, c: Context): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://here');
  if (!DWS_PATHS.includes(url.pathname)) return plain(res, 404, `no service at ${url.pathname}: DisnixWebService is at ${DWS_PATHS[0]}`);
  if (c.credentials && !(await c.credentials.check(req.headers.authorization))) {
    res.setHeader('WWW-Authenticate', 'Basic realm="DisnixWebService"');
    return plain(res, 401, 'authentication required');
  }
  if (req.method === 'GET' && url.searchParams.has('wsdl')) {
    const scheme = c.tls ? 'https' : 'http';
    res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' });
    return void res.end(wsdl(`${scheme}://${req.headers.host ?? `${c.host}:${c.port}`}${url.pathname}`));
  }
  if (req.method !== 'POST') return plain(res, 405, 'SOAP requests are POSTed; GET ?wsdl for the WSDL');

  const release = await c.gate.enter();
  try {
    const body = decoded(req, c.limits.maxRequest);
    const message = await readMessage(body, req.headers['content-type'] ?? '', { maxEnvelope: c.limits.maxEnvelope });
    const call = decodeRequest(message.envelope);
    const result = await dispatch(agent, call, message);
    // Whatever the request still holds (an attachment no operation reads) is drained.
    body.resume();
    if ('values' in result) {
      res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' });
      return void res.end(encodeResponse(call.operation, result.values));
    }
    const { boundary, contentType } = mtomContentType();
    res.writeHead(200, { 'content-type': contentType });
    const envelope = encodeResponse(call.operation, result.attachments.map((a) => ({ cid: a.cid })));
    // A failure once the answer has begun can only end the connection: the client sees it cut.
    await pipeline(Readable.from(mtomBody(boundary, envelope, result.attachments)), res);
  } catch (e) {
    if (res.headersSent) throw e;
    const fault = e instanceof SoapFault ? e : new SoapFault('Server', (e as Error).message);
    res.writeHead(500, { 'content-type': 'text/xml; charset=UTF-8' });
    res.end(encodeFault(fault));
    // A request cut off or refused part way is not read on: the connection goes.
    if (!req.complete) req.destroy();
  } finally {
    release();
  }
}

/** The request body, at most `max` bytes as sent, decompressed as its Content-Encoding says. */
function decoded(req: HttpRequest, max: number): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decompress = encoding === 'identity' ? undefined : encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : null;
  if (decompress === null) throw new SoapFault('Client', `Content-Encoding ${encoding} is not understood (gzip and deflate are)`);
  let sent = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _, done) {
      sent += chunk.length;
      done(sent > max ? new SoapFault('Client', `the request is larger than this service takes (${max} bytes)`) : null, chunk);
    },
  });
  req.on('error', (e) => limited.destroy(e));
  req.pipe(limited);
  if (!decompress) return limited;
  limited.on('error', (e) => decompress.destroy(e));
  return limited.pipe(decompress);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8' });
  res.end(text + '\n');
}

/** At most `size` holders at once; the others wait in order. */
class Gate {
  private inside = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async enter(): Promise<() => void> {
    if (this.inside >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inside++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.inside--;
    };
  }
}
