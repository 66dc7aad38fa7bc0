// The language server in-process: `createServer` over in-memory streams and in-memory files,
// as yaml-language-server tests its handlers. The workspace is found through the files given,
// files not open are read from them, edits and settings change what is published. (The stdio
// tests in server.test.ts run the built server as an editor does.)

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'vscode-languageserver/node';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { createServer } from '../../server/server';
import { DEPLOYMENTS_REQUEST, PROBLEMS_REQUEST, type DeploymentInfo } from '../../server/protocol';
import { memoryFiles, ready } from '../helpers';

const WS = '/ws';
const uri = (path: string) => `file://${path}`;
const files = new Map<string, string>([
  [`${WS}/services.nix`, '{ system, pkgs, distribution, invDistribution }:\nrec {\n  db = { name = "db"; type = "process"; pkg = ./db; };\n  web = { name = "web"; type = "process"; dependsOn = { inherit db; }; pkg = ./web; };\n}\n'],
  [`${WS}/infrastructure.nix`, '{ test1 = { properties.hostname = "test1"; containers.process = { }; }; }\n'],
  [`${WS}/distribution.nix`, '{ infrastructure }:\n{ db = [ infrastructure.test1 ]; web = [ infrastructure.test1 ]; }\n'],
  [`${WS}/notes/readme.txt`, 'not a model'],
]);

describe('the language server in-process, over in-memory files', () => {
  let client: ProtocolConnection;
  const published = new Map<string, PublishDiagnosticsParams>();
  /** Each returns whether it is satisfied; the others wait on. */
  let waiters: (() => boolean)[] = [];
  /** The next diagnostics for `path` (at `version`, when given) that satisfy `accept`. */
  const diagnosticsOf = (path: string, accept: (p: PublishDiagnosticsParams) => boolean) =>
    new Promise<PublishDiagnosticsParams>((resolve) => {
      const check = () => {
        const p = published.get(uri(path));
        if (p && accept(p)) {
          resolve(p);
          return true;
        }
        return false;
      };
      if (!check()) waiters.push(check);
    });

  before(async () => {
    await ready;
    const up = new PassThrough();
    const down = new PassThrough();
    const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
    createServer(server, memoryFiles(files));
    server.listen();
    client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.set(p.uri, p);
      waiters = waiters.filter((w) => !w());
    });
    client.listen();
    // No processId: the server must not watch (and exit with) a parent process.
    await client.sendRequest('initialize', { processId: null, rootUri: uri(WS), workspaceFolders: [{ uri: uri(WS), name: 'ws' }], capabilities: {} });
    await client.sendNotification('initialized', {});
  });
  after(() => client.dispose());

  it('finds the deployment through the files it was given', async () => {
    const deployments = await client.sendRequest<DeploymentInfo[]>(DEPLOYMENTS_REQUEST, {});
    assert.deepEqual(
      deployments.map((d) => d.files),
      [{ services: `${WS}/services.nix`, infrastructure: `${WS}/infrastructure.nix`, distribution: `${WS}/distribution.nix` }],
    );
  });

  it('analyses an open file with the others read from those files: no problems', async () => {
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(`${WS}/services.nix`), languageId: 'nix', version: 1, text: files.get(`${WS}/services.nix`) } });
    const p = await diagnosticsOf(`${WS}/services.nix`, (x) => x.version === 1);
    assert.deepEqual(p.diagnostics, []);
  });

  it('publishes the mistake an edit makes, for the version edited', async () => {
    const text = files.get(`${WS}/services.nix`)!.replace('inherit db;', 'inherit dbb;');
    await client.sendNotification('textDocument/didChange', { textDocument: { uri: uri(`${WS}/services.nix`), version: 2 }, contentChanges: [{ text }] });
    const p = await diagnosticsOf(`${WS}/services.nix`, (x) => x.version === 2);
    assert.deepEqual(p.diagnostics.map((d) => [d.code, d.range.start.line]), [['undefined-variable', 3]]);
  });

  it('checks the other files against the last good model of a file with an error, and reports only the real error', async () => {
    await client.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(`${WS}/distribution.nix`), languageId: 'nix', version: 1, text: files.get(`${WS}/distribution.nix`) } });
    const p = await diagnosticsOf(`${WS}/distribution.nix`, (x) => x.version === 1);
    // Without the last good services model, 'db' and 'web' would be unknown services here.
    assert.deepEqual(p.diagnostics, []);
    const deployment = { services: `${WS}/services.nix`, infrastructure: `${WS}/infrastructure.nix`, distribution: `${WS}/distribution.nix` };
    assert.deepEqual(await client.sendRequest(PROBLEMS_REQUEST, deployment), [{ severity: 'error', text: "services.nix:4:65: undefined variable 'dbb'" }]);
  });

  it('drops a code the settings ignore, at once', async () => {
    await client.sendNotification('workspace/didChangeConfiguration', { settings: { disnix: { diagnostics: { ignore: ['undefined-variable'] } } } });
    const p = await diagnosticsOf(`${WS}/services.nix`, (x) => x.diagnostics.length === 0);
    assert.equal(p.version, 2);
  });
});
