// Someone else's SOAP stack against our service: the `soap` package (node-soap) reads our WSDL,
// writes the named form from it and reads our answers and faults, so the WSDL and the answers
// are checked by code we did not write.

import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { createClientAsync, type Client } from 'soap';
import { copyTree, LocalStore } from '../../core/deploy/store';
import { makeStorePath } from '../../core/nix/store';
import { OPERATIONS } from '../../core/soap/operations';
import { serve, stop, type Served } from '../soap';

const MISSING = '/nix/store/0bcdfghijklmnpqrsvwxyz0123456789-missing';

type Call = (args: object) => Promise<[Record<string, unknown>, string]>;

describe('the soap package as a client of our service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-soap-crosscheck-'));
  let served: Served;
  let client: Client;
  let closure: Buffer;
  let pkg: string;
  const op = (name: string) => (client as unknown as Record<string, Call>)[`${name}Async`].bind(client);

  before(async () => {
    const src = join(dir, 'web');
    mkdirSync(src);
    writeFileSync(join(src, 'index.html'), '<p>hello</p>\n');
    const store = new LocalStore(join(dir, 'coordinator-store'));
    pkg = await store.add((dest) => copyTree(src, dest), (hash) => makeStorePath('source', hash, 'web'));
    await pipeline(Readable.from(store.exportPaths([pkg])), createWriteStream(join(dir, 'closure')));
    closure = readFileSync(join(dir, 'closure'));
    served = await serve(['--state-dir', join(dir, 'agent')]);
    client = await createClientAsync(`${served.url}?wsdl`, { parseResponseAttachments: true });
  });

  after(async () => {
    await stop(served);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds every operation of the reference in the WSDL, with its parameters by name', () => {
    const port = client.describe().DisnixWebService.DisnixWebServiceHttpSoap11Endpoint as Record<string, { input: Record<string, string> }>;
    for (const o of OPERATIONS) {
      assert.ok(port[o.name], `${o.name} is in the WSDL`);
      const inputs = Object.keys(port[o.name].input).map((k) => k.replace(/\[\]$/, ''));
      assert.deepEqual(inputs, o.params.map((p) => p.name), `${o.name}'s parameters`);
    }
  });

  it('calls operations and reads their answers: lists, numbers and text', async () => {
    const [invalid] = await op('printInvalid')({ derivation: [MISSING, `${MISSING}-2`] });
    assert.deepEqual(invalid.return, [MISSING, `${MISSING}-2`]);
    const [locked] = await op('lock')({ profile: 'crosscheck' });
    assert.equal(locked.return, 0);
    const [config] = await op('captureConfig')({});
    assert.match(String(config.return), /containers = \{/);
  });

  it('reads a failed operation as a SOAP fault with the log as its text', async () => {
    await assert.rejects(op('lock')({ profile: 'crosscheck' }), (e: { root?: { Envelope: { Body: { Fault: { faultcode: string; faultstring: string } } } } }) => {
      const fault = e.root!.Envelope.Body.Fault;
      return fault.faultcode === 'soapenv:Server' && /profile 'crosscheck' is locked/.test(fault.faultstring);
    });
    const [unlocked] = await op('unlock')({ profile: 'crosscheck' });
    assert.equal(unlocked.return, 0);
  });

  it('sends a closure inline as base64, which the service imports', async () => {
    const [imported] = await op('importLocalFile')({ file: closure.toString('base64') });
    assert.equal(imported.return, 0);
    const [invalid] = await op('printInvalid')({ derivation: [pkg] });
    assert.equal(invalid?.return, undefined, 'the package is on the target now');
    const [requisites] = await op('queryRequisites')({ derivation: [pkg] });
    assert.deepEqual([requisites.return].flat(), [pkg]);
  });

  it("gives the closure back as an MTOM attachment the soap package's own multipart parser reads byte for byte", async () => {
    const [answer] = await op('exportRemoteFile')({ derivation: [pkg] });
    const href = (answer.return as { Include: { attributes: { href: string } } }).Include.attributes.href;
    const parts = (client.lastResponseAttachments as { parts: { headers: Record<string, string>; body: Buffer }[] }).parts;
    const part = parts.find((p) => p.headers['content-id'] === `<${decodeURIComponent(href.replace(/^cid:/, ''))}>`);
    assert.ok(part, `a part answers ${href}: ${parts.map((p) => p.headers['content-id']).join(', ')}`);
    assert.ok(part.body.equals(closure), `the closure comes back byte for byte (${part.body.length} of ${closure.length} bytes)`);
  });
});
