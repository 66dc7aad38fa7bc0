// SOAP 1.1 envelopes of DisnixWebService's operations (../shared/reference/dws.md), both ways:
// requests as Axis2's RPC client writes them (the wrapper in the service's namespace, its
// children unqualified and positional: `arg<N>` for a scalar, `item<N>` repeated for an array,
// `xsi:nil` for null) and as other SOAP stacks write them (children named after the
// parameters); answers as Axis2 writes them (`<ns:return>` per value), and faults.

import { DOMParser, type Element } from '@xmldom/xmldom';
import { DWS_NAMESPACE, isArray, soapOperation, type SoapOperation, type SoapType } from './operations';

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_ENV = 'http://www.w3.org/2003/05/soap-envelope';
export const XOP = 'http://www.w3.org/2004/08/xop/include';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** An attachment named in an envelope: a MIME part by its Content-ID, or base64 written inline. */
export type Attachment = { cid: string } | { inline: Buffer };
export type SoapValue = string | null | number | boolean | (string | null)[] | Attachment | Attachment[];

export interface SoapCall {
  operation: SoapOperation;
  args: SoapValue[];
}

/** A SOAP fault: `Client` for a request that cannot be understood, `Server` for an operation that failed. */
export class SoapFault extends Error {
  constructor(
    readonly code: 'Client' | 'Server',
    message: string,
  ) {
    super(message);
  }
}

// ---- reading ----

const elements = (e: Element): Element[] => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1);

/** The body's first element of an envelope; a fault where the text is no SOAP 1.1 envelope. */
function bodyOf(xml: string): Element {
  let doc;
  try {
    doc = new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(message); } }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw new SoapFault('Client', `the request is not XML: ${(e as Error).message.split('\n')[0]}`);
  }
  // No document type: SOAP forbids it, and entities are how XML parsers are attacked.
  if (doc.doctype) throw new SoapFault('Client', 'a SOAP message must not have a document type declaration');
  const envelope = doc.documentElement;
  if (!envelope || envelope.localName !== 'Envelope') throw new SoapFault('Client', 'the request is not a SOAP envelope');
  if (envelope.namespaceURI === SOAP12_ENV) throw new SoapFault('Client', 'SOAP 1.2 is not served here: send SOAP 1.1 (text/xml)');
  if (envelope.namespaceURI !== SOAP_ENV) throw new SoapFault('Client', `the envelope is in namespace '${envelope.namespaceURI ?? ''}', not SOAP 1.1's`);
  const body = elements(envelope).find((e) => e.localName === 'Body' && e.namespaceURI === SOAP_ENV);
  const first = body && elements(body)[0];
  if (!first) throw new SoapFault('Client', 'the SOAP body is empty');
  return first;
}

const isNil = (e: Element) => {
  const nil = e.getAttributeNS(XSI, 'nil');
  return nil === 'true' || nil === '1';
};

function attachmentOf(e: Element): Attachment {
  const include = elements(e).find((c) => c.localName === 'Include' && c.namespaceURI === XOP);
  if (include) {
    const href = include.getAttribute('href') ?? '';
    if (!href.startsWith('cid:')) throw new SoapFault('Client', `an xop:Include must name a cid: part, not '${href}'`);
    return { cid: decodeURIComponent(href.slice(4)) };
  }
  return { inline: Buffer.from((e.textContent ?? '').replace(/\s+/g, ''), 'base64') };
}

function scalar(e: Element | undefined, type: SoapType, param: string): SoapValue {
  if (!e || isNil(e)) return type === 'attachment' ? { inline: Buffer.alloc(0) } : type === 'int' ? 0 : type === 'boolean' ? false : null;
  if (type === 'attachment') return attachmentOf(e);
  const text = (e.textContent ?? '').trim();
  if (type === 'int') {
    if (!/^-?\d+$/.test(text)) throw new SoapFault('Client', `${param} needs a number, got '${text}'`);
    return Number(text);
  }
  if (type === 'boolean') {
    if (!['true', 'false', '1', '0'].includes(text)) throw new SoapFault('Client', `${param} needs true or false, got '${text}'`);
    return text === 'true' || text === '1';
  }
  return e.textContent ?? '';
}

function array(items: Element[], type: SoapType): SoapValue {
  if (type === 'attachment[]') return items.map(attachmentOf);
  return items.map((e) => (isNil(e) ? null : (e.textContent ?? '')));
}

const POSITIONAL = /^(?:arg|item)(\d+)$/;

/**
 * Binds the wrapper's children to the operation's parameters. Positional children bind in
 * order, a scalar taking one and an array the run of siblings with one name. Their numbers
 * count as Axis2 counts: every array and every scalar but a null one; an array whose number
 * the next child has passed was empty (Axis2 writes nothing for it). Other children bind by
 * name.
 */
function bind(wrapper: Element, op: SoapOperation): SoapValue[] {
  const children = elements(wrapper);
  if (children.length && children.every((c) => POSITIONAL.test(c.localName ?? ''))) {
    let next = 0;
    let counted = 0;
    return op.params.map((param) => {
      const child = children[next];
      if (!isArray(param.type)) {
        next++;
        if (child && !isNil(child)) counted++;
        return scalar(child, param.type, param.name);
      }
      const index = counted++;
      if (!child || Number(POSITIONAL.exec(child.localName!)![1]) > index) return array([], param.type);
      const run: Element[] = [];
      while (children[next]?.localName === child.localName) run.push(children[next++]);
      return array(run, param.type);
    });
  }
  const known = new Set(op.params.map((p) => p.name));
  const stray = children.find((c) => !known.has(c.localName ?? ''));
  if (stray) throw new SoapFault('Client', `${op.name} has no parameter '${stray.localName}' (it takes ${op.params.map((p) => p.name).join(', ') || 'none'})`);
  return op.params.map((param) => {
    const named = children.filter((c) => c.localName === param.name);
    return isArray(param.type) ? array(named, param.type) : scalar(named[0], param.type, param.name);
  });
}

/** The call an envelope makes; a `Client` fault for anything else. */
export function decodeRequest(xml: string): SoapCall {
  const wrapper = bodyOf(xml);
  if (wrapper.namespaceURI !== DWS_NAMESPACE) throw new SoapFault('Client', `'${wrapper.localName}' is in namespace '${wrapper.namespaceURI ?? ''}', not ${DWS_NAMESPACE}`);
  const operation = soapOperation(wrapper.localName ?? '');
  if (!operation) throw new SoapFault('Client', `no operation '${wrapper.localName}' here`);
  return { operation, args: bind(wrapper, operation) };
}

/** What an answer returns: its values in order (null for nil), or attachments; a fault is thrown. */
export function decodeResponse(xml: string, op: SoapOperation): (string | null)[] | Attachment[] {
  const first = bodyOf(xml);
  if (first.localName === 'Fault' && first.namespaceURI === SOAP_ENV) {
    const part = (name: string) => elements(first).find((e) => e.localName === name)?.textContent ?? '';
    throw new SoapFault(part('faultcode').endsWith('Client') ? 'Client' : 'Server', part('faultstring'));
  }
  if (first.localName !== `${op.name}Response`) throw new SoapFault('Server', `expected ${op.name}Response, got ${first.localName}`);
  const returns = elements(first).filter((e) => e.localName === 'return');
  if (op.returns.startsWith('attachment')) return returns.map(attachmentOf);
  return returns.map((e) => (isNil(e) ? null : (e.textContent ?? '')));
}

// ---- writing ----

/** Text as XML may hold it: characters XML 1.0 cannot carry (terminal colours in a log, say) become U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!).replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

const envelope = (body: string) => `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const include = (cid: string) => `<xop:Include xmlns:xop="${XOP}" href="cid:${escapeXml(encodeURIComponent(cid))}"/>`;

/** A value the client sends: attachments by the Content-ID of the part that carries them. */
export type OutgoingValue = string | null | number | boolean | (string | null)[] | { cid: string } | { cid: string }[];

/** A request as Axis2's RPC client writes it (positional, as the real `disnix-soap-client` sends). */
export function encodeRequest(op: SoapOperation, args: OutgoingValue[]): string {
  let n = 0;
  const parts = op.params.map((param, i) => {
    const v = args[i];
    if (isArray(param.type)) {
      const items = (v as (string | null | { cid: string })[] | undefined) ?? [];
      const index = n++;
      return items.map((item) => (item === null ? `<item${index} xmlns="" xmlns:xsi="${XSI}" xsi:nil="true"/>` : `<item${index} xmlns="">${typeof item === 'string' ? escapeXml(item) : include(item.cid)}</item${index}>`)).join('');
    }
    // Axis2 writes a null scalar as a nil item and does not count it.
    if (v === null || v === undefined) return `<item${n} xmlns="" xmlns:xsi="${XSI}" xsi:nil="true"/>`;
    const index = n++;
    return `<arg${index} xmlns="">${typeof v === 'object' ? include((v as { cid: string }).cid) : escapeXml(String(v))}</arg${index}>`;
  });
  return envelope(`<${op.name} xmlns="${DWS_NAMESPACE}">${parts.join('')}</${op.name}>`);
}

/** An answer as Axis2 writes it: one `return` per value, `0` for an int, attachments by Content-ID. */
export function encodeResponse(op: SoapOperation, values: (string | null)[] | { cid: string }[] | number): string {
  const list = typeof values === 'number' ? [String(values)] : values;
  const returns = list.map((v) => (v === null ? `<ns:return xmlns:xsi="${XSI}" xsi:nil="true"/>` : `<ns:return>${typeof v === 'string' ? escapeXml(v) : include(v.cid)}</ns:return>`));
  return envelope(`<ns:${op.name}Response xmlns:ns="${DWS_NAMESPACE}">${returns.join('')}</ns:${op.name}Response>`);
}

/** A fault as Axis2 writes one: the fault string is the operation's log. */
export function encodeFault(fault: SoapFault): string {
  return envelope(`<soapenv:Fault><faultcode>soapenv:${fault.code}</faultcode><faultstring>${escapeXml(fault.message)}</faultstring><detail/></soapenv:Fault>`);
}
