// The DisnixWebService service (`dnx soap-server`) over real HTTP and HTTPS, asked with
// envelopes written as ../shared/reference/dws.md says the Java client writes them: every
// operation in the positional form and in the named form, a closure as an MTOM attachment in a
// gzipped chunked request, faults, a wrong namespace, HTTP Basic authentication, and TLS with
// server and client certificates. The requests here are written by hand, not by our client,
// so the service is held to the wire format rather than to our own encoder.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { copyTree, LocalStore } from '../../core/deploy/store';
import { makeStorePath } from '../../core/nix/store';
import { OPERATIONS, type SoapOperation } from '../../core/soap/operations';
import { makeAuthority, makeCertificate, type Certificate } from '../../core/testnet/certificates';
import { serve, stop, type Served } from '../soap';

const root = join(__dirname, '..', '..', '..');
const NS = 'http://service.disnix.nixos.org';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const MISSING = '/nix/store/0bcdfghijklmnpqrsvwxyz0123456789-missing';
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

interface PostOptions {
  headers?: Record<string, string>;
  tls?: { ca?: string; cert?: string; key?: string };
  method?: string;
}

/** Sends `body` to `url` (chunked when a stream), as it is: no encoding of ours in between. */
function post(url: string, body: Buffer | Readable, o: PostOptions = {}): Promise<Answer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const tls = o.tls ? { ca: o.tls.ca && readFileSync(o.tls.ca), cert: o.tls.cert && readFileSync(o.tls.cert), key: o.tls.key && readFileSync(o.tls.key) } : {};
  return new Promise((resolve, reject) => {
    const req = send(u, { method: o.method ?? 'POST', headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""', ...o.headers }, ...tls, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString('utf8') });
      });
    });
    req.on('error', reject);
    if (Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

const envelope = (body: string) => `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

type Arg = string | number | boolean | null | string[] | Buffer | Buffer[];

/** Axis2's RPC form: `arg<N>` for a scalar, `item<N>` repeated for an array, a null as a nil `item<N>` that is not counted. */
function positional(op: SoapOperation, args: Arg[]): string {
  let n = 0;
  const text = (v: string | number | boolean | Buffer) => (Buffer.isBuffer(v) ? v.toString('base64') : String(v));
  const parts = args.map((v) => {
    if (v === null) return `<item${n} xmlns="" xmlns:xsi="${XSI}" xsi:nil="true"/>`;
    const i = n++;
    if (Array.isArray(v)) return (v as (string | Buffer)[]).map((item) => `<item${i} xmlns="">${text(item)}</item${i}>`).join('');
    return `<arg${i} xmlns="">${text(v)}</arg${i}>`;
  });
  return envelope(`<${op.name} xmlns="${NS}">${parts.join('')}</${op.name}>`);
}

/** The named, qualified form other SOAP stacks write from the WSDL. */
function named(op: SoapOperation, args: Arg[]): string {
  const el = (name: string, v: string | number | boolean | Buffer | null) => (v === null ? `<ns:${name} xsi:nil="true"/>` : `<ns:${name}>${Buffer.isBuffer(v) ? v.toString('base64') : String(v)}</ns:${name}>`);
  const parts = op.params.map((p, i) => {
    const v = args[i];
    return Array.isArray(v) ? (v as (string | Buffer)[]).map((item) => el(p.name, item)).join('') : el(p.name, v);
  });
  return envelope(`<ns:${op.name} xmlns:ns="${NS}" xmlns:xsi="${XSI}">${parts.join('')}</ns:${op.name}>`);
}

/** The `return` values of an answer, in order. */
const returns = (xml: string) => [...xml.matchAll(/<ns:return(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/ns:return>)/g)].map((m) => m[1] ?? '');
const faultString = (xml: string) => /<faultstring>([\s\S]*?)<\/faultstring>/.exec(xml)?.[1];
const faultCode = (xml: string) => /<faultcode>([\s\S]*?)<\/faultcode>/.exec(xml)?.[1];

/** Nix's export format of no paths: the end marker only. */
const EMPTY_CLOSURE = Buffer.alloc(8);

/** Harmless arguments for each parameter: answers that do not change what the next call sees. */
const ARGUMENTS: Record<string, Arg> = {
  closure: '/tmp/not-exported/closure',
  file: EMPTY_CLOSURE,
  derivation: MISSING,
  profile: 'default',
  deleteOld: false,
  container: 'process',
  type: 'process',
  arguments: ['a=b'],
  component: 'web',
  snapshot: 'process/web/0123abcd',
  snapshots: ['process/web/0123abcd'],
  files: [],
  paths: [],
  keep: 1,
};

function argsFor(op: SoapOperation): Arg[] {
  return op.params.map((p) => {
    if (op.name === 'printMissingSnapshots') return ['process/web/0123abcd'];
    if (p.type === 'string[]' && typeof ARGUMENTS[p.name] === 'string') return [ARGUMENTS[p.name] as string];
    return ARGUMENTS[p.name];
  });
}

/** Multipart parts of a `multipart/related` body: their headers and bytes. */
function parts(body: Buffer, contentType: string): { headers: string; content: Buffer }[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)![1];
  const delimiter = Buffer.from(`--${boundary}`);
  const found: { headers: string; content: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    found.push({ headers: part.subarray(0, split).toString(), content: part.subarray(split + 4) });
    at = next;
  }
  return found;
}

/** An MTOM request as Axis2 writes one: the envelope as root part, then each attachment. */
function mtom(envelopeXml: string, attachments: { cid: string; content: Buffer }[]): { contentType: string; body: Buffer } {
  const boundary = 'MIMEBoundary_1a2b3c4d5e6f';
  const rootId = '0.urn:uuid:0A1B2C3D4E5F@apache.org';
  const head = `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="text/xml"\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${rootId}>\r\n\r\n${envelopeXml}\r\n`;
  const chunks: Buffer[] = [Buffer.from(head)];
  for (const a of attachments) chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${a.cid}>\r\n\r\n`), a.content, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/related; boundary=${boundary}; type="application/xop+xml"; start="<${rootId}>"; start-info="text/xml"`, body: Buffer.concat(chunks) };
}

/** A body sent in small chunks, as a client streaming its request does. */
const chunked = (b: Buffer) => Readable.from((function* () {
  for (let i = 0; i < b.length; i += 4096) yield b.subarray(i, i + 4096);
})());

describe('DisnixWebService service over HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-soap-service-'));
  let served: Served;
  let closure: Buffer;
  let pkg: string;
  const call = (xml: string, o?: PostOptions) => post(served.url, Buffer.from(xml), o);

  before(async () => {
    const src = join(dir, 'web');
    mkdirSync(join(src, 'bin'), { recursive: true });
    writeFileSync(join(src, 'bin', 'web'), '#!/bin/sh\necho web\n');
    writeFileSync(join(src, 'data'), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256)));
    const store = new LocalStore(join(dir, 'coordinator-store'));
    pkg = await store.add((dest) => copyTree(src, dest), (hash) => makeStorePath('source', hash, 'web'));
    await pipeline(Readable.from(store.exportPaths([pkg])), createWriteStream(join(dir, 'closure')));
    closure = readFileSync(join(dir, 'closure'));
    served = await serve(['--state-dir', join(dir, 'agent')]);
  });

  after(async () => {
    await stop(served);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves every operation of the reference in the positional form and in the named form, with the same answers', async () => {
    for (const op of OPERATIONS.filter((o) => !/^(un)?lock/.test(o.name))) {
      const args = argsFor(op);
      const a = await call(positional(op, args));
      const b = await call(named(op, args));
      const what = `${op.name}: ${a.text}`;
      assert.notEqual(faultCode(a.text), 'soapenv:Client', what);
      assert.ok(a.status === 200 || a.status === 500, what);
      if (a.status === 200) assert.match(a.text, new RegExp(`<ns:${op.name}Response xmlns:ns="${NS}">`), what);
      assert.equal(b.status, a.status, `${op.name}, named: ${b.text}`);
      assert.deepEqual(returns(b.text), returns(a.text), `${op.name}, named`);
      assert.equal(faultString(b.text), faultString(a.text), `${op.name}, named`);
    }
  });

  it('answers as Axis2 does: one return per value, 0 for an int, nothing for an empty list', async () => {
    const printInvalid = OPERATIONS.find((o) => o.name === 'printInvalid')!;
    const r = await call(envelope(`<printInvalid xmlns="${NS}"><item0 xmlns="">${MISSING}</item0><item0 xmlns="">${MISSING}-2</item0></printInvalid>`));
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/xml/);
    assert.deepEqual(returns(r.text), [MISSING, `${MISSING}-2`]);
    assert.deepEqual(returns((await call(positional(printInvalid, [[]]))).text), []);
    assert.deepEqual(returns((await call(positional(OPERATIONS.find((o) => o.name === 'cleanSnapshots')!, [1, null, null]))).text), ['0']);
  });

  it('locks a profile once: a second lock is refused until it is unlocked, in either form', async () => {
    const lock = OPERATIONS.find((o) => o.name === 'lock')!;
    const unlock = OPERATIONS.find((o) => o.name === 'unlock')!;
    assert.deepEqual(returns((await call(positional(lock, ['web']))).text), ['0']);
    const again = await call(named(lock, ['web']));
    assert.equal(again.status, 500);
    assert.equal(faultCode(again.text), 'soapenv:Server');
    assert.match(faultString(again.text)!, /locked/);
    assert.deepEqual(returns((await call(named(unlock, ['web']))).text), ['0']);
    assert.deepEqual(returns((await call(positional(lock, ['web']))).text), ['0']);
    assert.deepEqual(returns((await call(positional(unlock, ['web']))).text), ['0']);
  });

  it('imports nothing of a closure whose request is cut off part way, and goes on serving', async () => {
    const cid = '1.urn:uuid:CUT@apache.org';
    const m = mtom(envelope(`<importLocalFile xmlns="${NS}"><arg0 xmlns=""><xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:${cid}"/></arg0></importLocalFile>`), [{ cid, content: closure }]);
    await new Promise<void>((resolve) => {
      const req = httpRequest(served.url, { method: 'POST', headers: { 'content-type': m.contentType, 'transfer-encoding': 'chunked' }, agent: false });
      req.on('error', () => resolve());
      req.write(m.body.subarray(0, m.body.length / 2), () => setTimeout(() => req.destroy(), 200));
      req.on('close', () => resolve());
    });
    const invalid = await call(envelope(`<printInvalid xmlns="${NS}"><item0 xmlns="">${pkg}</item0></printInvalid>`));
    assert.deepEqual(returns(invalid.text), [pkg], 'the package is not on the target');
  });

  it('takes a closure as an MTOM attachment in a gzipped, chunked request, and gives the same bytes back', async () => {
    const cid = '1.urn:uuid:9F8E7D6C5B4A@apache.org';
    const m = mtom(envelope(`<importLocalFile xmlns="${NS}"><arg0 xmlns=""><xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:${encodeURIComponent(cid)}"/></arg0></importLocalFile>`), [{ cid, content: closure }]);
    const imported = await post(served.url, chunked(gzipSync(m.body)), { headers: { 'content-type': m.contentType, 'content-encoding': 'gzip', 'accept-encoding': 'gzip' } });
    assert.equal(imported.status, 200, imported.text);
    assert.deepEqual(returns(imported.text), ['0']);
    const invalid = await call(envelope(`<printInvalid xmlns="${NS}"><item0 xmlns="">${pkg}</item0></printInvalid>`));
    assert.deepEqual(returns(invalid.text), [], 'the package is on the target now');

    const exported = await call(envelope(`<exportRemoteFile xmlns="${NS}"><item0 xmlns="">${pkg}</item0></exportRemoteFile>`));
    assert.equal(exported.status, 200);
    const contentType = String(exported.headers['content-type']);
    assert.match(contentType, /^multipart\/related;.*type="application\/xop\+xml"/);
    const [rootPart, attachment] = parts(exported.body, contentType);
    const href = /<ns:return><xop:Include xmlns:xop="http:\/\/www.w3.org\/2004\/08\/xop\/include" href="cid:([^"]+)"\/><\/ns:return>/.exec(rootPart.content.toString())![1];
    assert.match(attachment.headers, new RegExp(`Content-ID: <${decodeURIComponent(href).replace(/[.]/g, '\\.')}>`, 'i'));
    assert.ok(attachment.content.equals(closure), `the closure comes back byte for byte (${attachment.content.length} of ${closure.length} bytes)`);
  });

  it('takes an attachment inline as base64, as a client without MTOM sends it', async () => {
    const r = await call(envelope(`<importLocalFile xmlns="${NS}"><arg0 xmlns="">${closure.toString('base64')}</arg0></importLocalFile>`));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(returns(r.text), ['0']);
  });

  it("answers a failed operation with HTTP 500 and a Server fault whose text is the operation's log", async () => {
    const r = await call(envelope(`<set xmlns="${NS}"><arg0 xmlns="">default</arg0><arg1 xmlns="">${MISSING}</arg1></set>`));
    assert.equal(r.status, 500);
    assert.match(String(r.headers['content-type']), /^text\/xml/);
    assert.equal(faultCode(r.text), 'soapenv:Server');
    assert.equal(faultString(r.text), `dnx agent: error: ${MISSING} is not on this machine`);
  });

  it('refuses a wrapper in another namespace, an unknown operation and a path outside the store with faults that say so', async () => {
    const other = await call(envelope(`<printInvalid xmlns="urn:other"><item0 xmlns="">${MISSING}</item0></printInvalid>`));
    assert.equal(other.status, 500);
    assert.equal(faultCode(other.text), 'soapenv:Client');
    assert.match(faultString(other.text)!, /'printInvalid' is in namespace 'urn:other', not http:\/\/service\.disnix\.nixos\.org/);
    const unknown = await call(envelope(`<format xmlns="${NS}"/>`));
    assert.equal(faultCode(unknown.text), 'soapenv:Client');
    const outside = await call(envelope(`<exportRemoteFile xmlns="${NS}"><item0 xmlns="">/etc/shadow</item0></exportRemoteFile>`));
    assert.equal(outside.status, 500);
    assert.doesNotMatch(outside.text, /root:/);
    const traversal = await call(envelope(`<exportRemoteSnapshots xmlns="${NS}"><arg0 xmlns="">../../../etc</arg0></exportRemoteSnapshots>`));
    assert.equal(traversal.status, 500);
    assert.equal(faultCode(traversal.text), 'soapenv:Server');
  });

  it('gives its WSDL, and says where the service is for other paths and methods', async () => {
    const w = await post(`${served.url}?wsdl`, Buffer.alloc(0), { method: 'GET' });
    assert.equal(w.status, 200);
    assert.match(w.text, /<wsdl:definitions [^>]*targetNamespace="http:\/\/service\.disnix\.nixos\.org"/);
    assert.match(w.text, new RegExp(`location="${served.url.replace(/[.]/g, '\\.')}"`));
    const older = await post(served.url.replace('/DisnixWebService/services/DisnixWebService', '/DisnixService/services/DisnixService'), Buffer.from(positional(OPERATIONS.find((o) => o.name === 'queryInstalled')!, ['default'])));
    assert.equal(older.status, 200, 'the older endpoint path serves too');
    const elsewhere = await post(served.url.replace('DisnixWebService/services', 'x'), Buffer.from('<x/>'));
    assert.equal(elsewhere.status, 404);
    assert.match(elsewhere.text, /DisnixWebService is at \/DisnixWebService\/services\/DisnixWebService/);
  });
});

describe('DisnixWebService service with authentication and TLS', { skip: hasOpenssl ? false : 'needs openssl to make certificates' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-soap-tls-'));
  let authority: Certificate;
  let stranger: Certificate;
  let client: Certificate;
  let basic: Served;
  let tls: Served;
  let mutual: Served;
  const query = Buffer.from(envelope(`<queryInstalled xmlns="${NS}"><arg0 xmlns="">default</arg0></queryInstalled>`));
  const basicAuth = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  before(async () => {
    authority = await makeAuthority(dir, 'ca');
    const server = await makeCertificate(dir, 'server', ['127.0.0.1', 'localhost'], authority);
    client = await makeCertificate(dir, 'client', ['deployer'], authority);
    // A certificate authority nobody here trusts, and a certificate it signed for the same address.
    stranger = await makeAuthority(dir, 'stranger-ca');
    const impostor = await makeCertificate(dir, 'impostor', ['127.0.0.1'], stranger);
    const hashed = spawnSync(process.execPath, [join(root, 'bin', 'dnx'), 'soap-server', '--hash-password', 'deployer'], { input: 'correct horse\n', encoding: 'utf8' });
    assert.equal(hashed.status, 0, hashed.stderr);
    assert.match(hashed.stdout, /^deployer:scrypt\$/);
    assert.doesNotMatch(hashed.stdout, /correct horse/);
    writeFileSync(join(dir, 'credentials'), hashed.stdout);
    [basic, tls, mutual] = await Promise.all([
      serve(['--state-dir', join(dir, 'a'), '--credentials', join(dir, 'credentials')]),
      serve(['--state-dir', join(dir, 'b'), '--tls-cert', impostor.cert, '--tls-key', impostor.key]),
      serve(['--state-dir', join(dir, 'c'), '--tls-cert', server.cert, '--tls-key', server.key, '--client-ca', authority.cert]),
    ]);
  });

  after(async () => {
    await Promise.all([stop(basic), stop(tls), stop(mutual)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a request without credentials or with a wrong password, and serves the right one', async () => {
    const none = await post(basic.url, query);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="DisnixWebService"');
    assert.equal((await post(basic.url, query, { headers: basicAuth('deployer', 'wrong') })).status, 401);
    assert.equal((await post(basic.url, query, { headers: basicAuth('someone', 'correct horse') })).status, 401);
    const right = await post(basic.url, query, { headers: basicAuth('deployer', 'correct horse') });
    assert.equal(right.status, 200, right.text);
    assert.match(right.text, /<ns:queryInstalledResponse/);
  });

  it('is refused by a client that does not trust its certificate, and by none that does', async () => {
    await assert.rejects(post(tls.url, query, { tls: { ca: authority.cert } }), (e: NodeJS.ErrnoException) => /UNABLE_TO_VERIFY|SELF_SIGNED|CERT/.test(e.code ?? ''));
    const trusting = await post(tls.url, query, { tls: { ca: join(dir, 'stranger-ca.crt') } });
    assert.equal(trusting.status, 200);
  });

  it('asks for a client certificate when given a client CA: none or a stranger is refused, one it signed is served', async () => {
    const server = { ca: authority.cert };
    await assert.rejects(post(mutual.url, query, { tls: server }));
    const impostor = { cert: join(dir, 'impostor.crt'), key: join(dir, 'impostor.key') };
    await assert.rejects(post(mutual.url, query, { tls: { ...server, ...impostor } }));
    const ok = await post(mutual.url, query, { tls: { ...server, cert: client.cert, key: client.key } });
    assert.equal(ok.status, 200, ok.text);
  });

  it('our client says which certificate is not trusted, and works once given the CA', () => {
    const dnx = (env: Record<string, string>) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), 'soap-client', '--target', tls.url, '-q'], { encoding: 'utf8', env: { ...process.env, ...env } });
    const untrusted = dnx({});
    assert.equal(untrusted.status, 1);
    assert.match(untrusted.stderr, /^ERROR: .*the certificate of 127\.0\.0\.1 is not trusted .*give its CA with DNX_SOAP_CA_FILE/m);
    assert.equal(dnx({ DNX_SOAP_CA_FILE: join(dir, 'stranger-ca.crt') }).status, 0);
  });

  it('refuses to serve plain HTTP without authentication on an address other than loopback', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'dnx'), 'soap-server', '--listen', '0.0.0.0:0', '--state-dir', join(dir, 'd')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refusing to serve 0\.0\.0\.0 over plain HTTP without authentication: give --tls-cert\/--tls-key or --credentials, or --insecure/);
  });
});
