// A minimal LSP client for protocol-level tests and the benchmark: starts the built server
// (`dnx lsp --stdio`) as a child process and speaks JSON-RPC with it over stdio, as an editor does.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export const uri = (path: string) => pathToFileURL(path).href;

export class LspClient {
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private readonly versions = new Map<string, number>();
  /** Called for every diagnostics notification, when it arrives. */
  onDiagnostics?: (p: PublishDiagnosticsParams) => void;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p);
      this.onDiagnostics?.(p);
      this.waiters = this.waiters.filter((w) => !(w.check() && (w.resolve(), true)));
    });
    connection.onRequest('workspace/configuration', () => [null]);
  }

  static async start(root: string, initializationOptions: object = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    const client = new LspClient(child, connection);
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(root),
      workspaceFolders: [{ uri: uri(root), name: 'test' }],
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true } } },
      initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  async open(path: string, text = readFileSync(path, 'utf8')): Promise<void> {
    this.versions.set(path, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uri(path), languageId: 'nix', version: 1, text } });
  }

  /** Replaces the whole text; returns the new version. */
  async change(path: string, text: string): Promise<number> {
    const version = this.nextVersion(path);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [{ text }] });
    return version;
  }

  /** Replaces `length` characters at `offset` (a one-line edit, as an editor sends while typing); returns the new version. */
  async edit(path: string, at: { line: number; character: number }, length: number, text: string): Promise<number> {
    const version = this.nextVersion(path);
    const range = { start: at, end: { line: at.line, character: at.character + length } };
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [{ range, text }] });
    return version;
  }

  private nextVersion(path: string): number {
    const version = (this.versions.get(path) ?? 1) + 1;
    this.versions.set(path, version);
    return version;
  }

  /** The next diagnostics for `path` that satisfy `accept` (by default: any for the current version). */
  diagnostics(path: string, accept: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    const u = uri(path);
    const check = () => {
      const p = this.latest.get(u);
      const version = this.versions.get(path);
      return !!p && (version === undefined || p.version === undefined || p.version === version) && accept(p.diagnostics);
    };
    return new Promise((resolve) => {
      if (check()) resolve(this.latest.get(u)!.diagnostics);
      else this.waiters.push({ check, resolve: () => resolve(this.latest.get(u)!.diagnostics) });
    });
  }

  /** The last diagnostics published for `path`, or undefined if none ever were. */
  published(path: string): Diagnostic[] | undefined {
    return this.latest.get(uri(path))?.diagnostics;
  }

  request<R>(method: string, params: object): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    await new Promise((r) => this.process.once('exit', r));
    this.connection.dispose();
  }
}
