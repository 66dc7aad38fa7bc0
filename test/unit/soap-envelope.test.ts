// DisnixWebService envelopes as the Java client writes them (../shared/reference/dws.md):
// positional arguments, arrays as repeated items, nil that Axis2 does not count; the named
// form other SOAP stacks write; and what is refused.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, SoapFault } from '../../core/soap/envelope';
import { soapOperation } from '../../core/soap/operations';

const env = (body: string) => `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const NS = 'http://service.disnix.nixos.org';

describe('DisnixWebService envelopes', () => {
  it('reads --print-invalid as the Java client sends it', () => {
    const call = decodeRequest(env(`<printInvalid xmlns="${NS}"><item0 xmlns="">/nix/store/a-x</item0><item0 xmlns="">/nix/store/b-y</item0></printInvalid>`));
    assert.equal(call.operation.name, 'printInvalid');
    assert.deepEqual(call.args, [['/nix/store/a-x', '/nix/store/b-y']]);
  });

  it('reads --activate with its arguments, and --clean-snapshots whose nulls Axis2 does not count', () => {
    const activate = decodeRequest(env(`<activate xmlns="${NS}"><arg0>/nix/store/a-web</arg0><arg1>process</arg1><arg2>process</arg2><item3>a=b</item3><item3>c=d</item3></activate>`));
    assert.deepEqual(activate.args, ['/nix/store/a-web', 'process', 'process', ['a=b', 'c=d']]);
    const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
    const clean = decodeRequest(env(`<cleanSnapshots xmlns="${NS}" ${xsi}><arg0>1</arg0><item1 xsi:nil="true"/><item1 xsi:nil="true"/></cleanSnapshots>`));
    assert.deepEqual(clean.args, [1, null, null]);
  });

  it('reads the named form, and what it writes itself', () => {
    const named = decodeRequest(env(`<ns:set xmlns:ns="${NS}"><ns:profile>default</ns:profile><ns:derivation>/nix/store/a-p</ns:derivation></ns:set>`));
    assert.deepEqual(named.args, ['default', '/nix/store/a-p']);
    const op = soapOperation('cleanSnapshots')!;
    assert.deepEqual(decodeRequest(encodeRequest(op, [3, null, 'web'])).args, [3, null, 'web']);
    const files = soapOperation('importLocalSnapshots')!;
    assert.deepEqual(decodeRequest(encodeRequest(files, ['process', 'web', 'g1', [], ['a']])).args, ['process', 'web', 'g1', [], ['a']]);
    // A null before an empty array: Axis2 counts neither the null nor anything the array did not write.
    assert.deepEqual(decodeRequest(encodeRequest(files, [null, 'web', 'g1', [], ['a']])).args, [null, 'web', 'g1', [], ['a']]);
  });

  it('refuses a wrapper in another namespace, an unknown operation, a document type and a bad number', () => {
    const refused = (xml: string, message: RegExp) => assert.throws(() => decodeRequest(xml), (e: unknown) => e instanceof SoapFault && e.code === 'Client' && message.test(e.message));
    refused(env(`<printInvalid xmlns="urn:other"><item0>x</item0></printInvalid>`), /not http:\/\/service.disnix.nixos.org/);
    refused(env(`<format xmlns="${NS}"/>`), /no operation 'format'/);
    refused(`<!DOCTYPE x [<!ENTITY e "x">]>` + env(`<captureConfig xmlns="${NS}"/>`), /document type/);
    refused(env(`<cleanSnapshots xmlns="${NS}"><arg0>many</arg0></cleanSnapshots>`), /keep needs a number/);
    refused('not xml at all <', /not (XML|a SOAP envelope)/);
  });

  it('answers as Axis2 does, and reads a fault as the operation log', () => {
    const op = soapOperation('printInvalid')!;
    const xml = encodeResponse(op, ['/nix/store/a-x', 'log \x1b[31mred']);
    assert.match(xml, /<ns:printInvalidResponse xmlns:ns="http:\/\/service.disnix.nixos.org"><ns:return>\/nix\/store\/a-x<\/ns:return>/);
    assert.deepEqual(decodeResponse(xml, op), ['/nix/store/a-x', 'log \uFFFD[31mred']);
    assert.match(encodeResponse(soapOperation('set')!, 0), /<ns:return>0<\/ns:return>/);
    const fault = env('<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>activation failed</faultstring></soapenv:Fault>');
    assert.throws(() => decodeResponse(fault, op), (e: unknown) => e instanceof SoapFault && e.code === 'Server' && e.message === 'activation failed');
  });
});
