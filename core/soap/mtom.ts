// SOAP messages with attachments, as Axis2 sends them (MTOM/XOP: `multipart/related`, the
// envelope in the first part, each attachment a binary part named by its Content-ID), and plain
// `text/xml` envelopes. Both directions stream: an attachment is read from the wire as its
// bytes arrive and written as its source yields them, so a closure of any size passes through
// without being held in memory. The multipart parsing is multipasta's.

import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { make as multipart, type Part } from 'multipasta/node';
import { SoapFault } from './envelope';

/** The envelope part's Content-ID, as Axis2 names it. */
const ROOT_ID = '0.root@apache.org';

export interface OutgoingAttachment {
  cid: string;
  content: Iterable<Buffer> | AsyncIterable<Buffer>;
}

/** A fresh Content-ID for an attachment. */
export const newContentId = () => `1.urn:uuid:${randomUUID()}@apache.org`;

/** A boundary and the Content-Type of a message written with it. */
export function mtomContentType(): { boundary: string; contentType: string } {
  const boundary = `MIMEBoundary_urn_uuid_${randomUUID().replace(/-/g, '')}`;
  return { boundary, contentType: `multipart/related; boundary="${boundary}"; type="application/xop+xml"; start="<${ROOT_ID}>"; start-info="text/xml"` };
}

const envelopePart = (boundary: string, envelope: string) => Buffer.from(`--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="text/xml"\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${ROOT_ID}>\r\n\r\n${envelope}`);
const closing = (boundary: string) => Buffer.from(`\r\n--${boundary}--\r\n`);

/** The body of an MTOM message: the envelope, then each attachment as it is produced. */
export async function* mtomBody(boundary: string, envelope: string, attachments: OutgoingAttachment[] = []): AsyncGenerator<Buffer> {
  yield envelopePart(boundary, envelope);
  for (const a of attachments) {
    yield Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${a.cid}>\r\n\r\n`);
    for await (const chunk of a.content) yield chunk;
  }
  yield closing(boundary);
}

/** An MTOM message of the envelope alone. */
export function mtomEnvelope(boundary: string, envelope: string): Buffer {
  return Buffer.concat([envelopePart(boundary, envelope), closing(boundary)]);
}

/** A message as it is read: its envelope first, then its attachments one by one. */
export interface IncomingMessage {
  envelope: string;
  /**
   * The next attachment, undefined after the last. Its stream must be read to its end (or
   * destroyed) before the next is asked for: the parts come one after the other on the wire.
   */
  nextAttachment(): Promise<{ cid: string; content: Readable } | undefined>;
}

export interface ReadLimits {
  /** The most bytes the envelope may have. */
  maxEnvelope: number;
}

/** Reads a message in `contentType` from `body` (already decompressed). */
export async function readMessage(body: Readable, contentType: string, limits: ReadLimits): Promise<IncomingMessage> {
  const media = contentType.split(';')[0].trim().toLowerCase();
  if (media === 'text/xml' || media === 'application/soap+xml') {
    const envelope = await readAll(body, limits.maxEnvelope);
    return { envelope, nextAttachment: async () => undefined };
  }
  if (media !== 'multipart/related') throw new SoapFault('Client', `a SOAP request is text/xml or multipart/related, not ${media || 'untyped'}`);

  let parts = 0;
  const parser = multipart({ headers: { 'content-type': contentType }, isFile: () => parts++ > 0, maxFieldSize: limits.maxEnvelope });
  let failure: SoapFault | undefined;
  parser.on('error', (e: unknown) => (failure ??= multipartFault(e)));
  // A request cut off while an attachment streams ends that attachment with an error, so the
  // operation reading it fails instead of waiting for the rest.
  let current: Readable | undefined;
  let ended = false;
  const cut = (e: Error) => {
    failure ??= new SoapFault('Client', `the request was cut off: ${e.message}`);
    parser.destroy(e);
    current?.destroy(e);
  };
  body.on('error', cut);
  body.on('end', () => (ended = true));
  body.on('close', () => ended || cut(new Error('the connection closed')));
  body.pipe(parser);
  const iterator: AsyncIterator<Part> = parser[Symbol.asyncIterator]();
  const next = async (): Promise<Part | undefined> => {
    try {
      const r = await iterator.next();
      if (failure) throw failure;
      return r.done ? undefined : r.value;
    } catch (e) {
      throw failure ?? multipartFault(e);
    }
  };
  const root = await next();
  if (!root || root._tag !== 'Field') throw new SoapFault('Client', 'the multipart request has no envelope part');
  return {
    envelope: Buffer.from(root.value).toString('utf8'),
    nextAttachment: async () => {
      const part = await next();
      if (!part) return undefined;
      if (part._tag !== 'File') throw new SoapFault('Client', 'an attachment part came as a field');
      const id = part.info.headers['content-id'];
      const cid = (Array.isArray(id) ? id[0] : (id ?? '')).trim().replace(/^<|>$/g, '');
      current = part;
      return { cid, content: part };
    },
  };
}

function multipartFault(e: unknown): SoapFault {
  if (e instanceof SoapFault) return e;
  const tag = (e as { _tag?: string })?._tag;
  if (tag === 'ReachedLimit') return new SoapFault('Client', 'the SOAP envelope is larger than this service takes');
  return new SoapFault('Client', `the multipart request is malformed (${tag ?? (e as Error)?.message ?? String(e)})`);
}

/** All of `body` as text, refusing more than `max` bytes. */
export async function readAll(body: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += (c as Buffer).length;
    if (size > max) {
      body.destroy();
      throw new SoapFault('Client', 'the SOAP envelope is larger than this service takes');
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
