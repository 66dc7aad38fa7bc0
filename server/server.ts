// The Disnix language server over a connection: positions and URIs in, core's plain data out,
// converted here. `createServer` takes the connection and the file system, so tests run it
// in-process over in-memory streams and files (test/server/in-process.test.ts); main.ts runs it
// over stdio or Node IPC.

import { dirname } from 'node:path';
import {
  CodeActionKind,
  ErrorCodes,
  FileChangeType,
  InsertTextFormat,
  ResponseError,
  SemanticTokensBuilder,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { quickFixes } from '../core/ide/code-actions';
import { codeLenses } from '../core/ide/code-lenses';
import { complete } from '../core/ide/completion';
import { hover } from '../core/ide/hover';
import { RenameError, definition, prepareRename, references, rename } from '../core/ide/navigation';
import { foldingRanges, outline, type OutlineItem } from '../core/ide/outline';
import { semanticTokens } from '../core/ide/semantic-tokens';
import { parsedFile, type TextEdit } from '../core/ide/state';
import { roleOf } from '../core/model/roles';
import { deploymentId, modelsFolder } from '../core/model/deployment-files';
import type { DeploymentFiles } from '../core/model/types';
import { Evaluator } from '../core/nix/eval';
import { DEFAULT_PROFILE, defaultCoordinatorPath } from '../core/plan/coordinator';
import { initParser } from '../core/nix/parser';
import { diskFiles, type NixFiles } from '../core/nix/files';
import { placeIn } from '../core/nix/diagnostic';
import { Source } from '../core/nix/source';
import { Analyser, type AnalyserSettings } from './analyser';
import { completionKind, diagnostic, location, pathOf, range, symbolKind, tokenModifiers, tokenTypes, uriOf } from './convert';
import { planResponse, type CoordinatorSettings } from './plan';
import { CHOOSE_DEPLOYMENT_NOTIFICATION, DEPLOYMENTS_REQUEST, PLAN_REQUEST, PROBLEMS_REQUEST, type DeploymentInfo, type ModelProblem, type DeploymentsParams, type PlanParams, type PlanResponse } from './protocol';
import { ModelWorkspace, resolveFiles } from './workspace';
import { VERSION } from '../core/version';

interface InitializationOptions {
  /** Deployments the user chose before, absolute paths. */
  chosen?: DeploymentFiles[];
  settings?: Partial<ClientSettings>;
}
interface ClientSettings {
  models: DeploymentFiles;
  diagnostics: { ignore: string[] };
  maxFileSize: number;
  profile: string;
  coordinatorProfilePath: string;
}

const DEFAULT_SETTINGS: AnalyserSettings = { ignore: [], maxFileSize: 2_000_000 };
/** The client's commands the lenses run, with the model file as argument. */
const LENS_COMMANDS = { plan: 'disnix.planDeployment', graph: 'disnix.showGraph' } as const;

/** Answers `connection` for the model files seen through `files`; the caller starts listening. */
export function createServer(connection: Connection, files: NixFiles = diskFiles): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new ModelWorkspace(files);
  const byPath = new Map<string, TextDocument>();
  let roots: string[] = [];
  let canReadConfiguration = false;


  const analyser = new Analyser(
    { text: (p) => byPath.get(p)?.getText(), version: (p) => byPath.get(p)?.version },
    files,
    workspace,
    (path, diagnostics, version) => void connection.sendDiagnostics({ uri: uriOf(path), version, diagnostics: diagnostics.map(diagnostic) }),
    DEFAULT_SETTINGS,
    (message) => connection.console.error(message),
  );

  /** Tells Nix files that are models apart from the rest by their formals, once they are open. */
  const shapeReader = new Evaluator();



  const defaultCoordinator = (): CoordinatorSettings => ({ profile: process.env.DISNIX_PROFILE || DEFAULT_PROFILE, path: defaultCoordinatorPath() });
  let coordinator = defaultCoordinator();

  connection.onInitialize(async (params: InitializeParams) => {
    await initParser();
    roots = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri)).filter((p): p is string => !!p);
    if (!roots.length && params.rootUri) roots = [pathOf(params.rootUri)].filter((p): p is string => !!p);
    canReadConfiguration = !!params.capabilities.workspace?.configuration;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    workspace.scan(roots);
    for (const files of options.chosen ?? []) workspace.choose(files);
    if (options.settings) applySettings(options.settings);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['.', '"', ' ', '{'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        semanticTokensProvider: { legend: { tokenTypes, tokenModifiers }, full: true },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'disnix-language-server', version: VERSION },
    };
  });

  connection.onInitialized(() => void loadSettings());
  connection.onDidChangeConfiguration((change) => {
    if (canReadConfiguration) void loadSettings();
    else if (change.settings?.disnix) applySettings(change.settings.disnix);
  });

  async function loadSettings(): Promise<void> {
    if (!canReadConfiguration) return;
    applySettings((await connection.workspace.getConfiguration('disnix')) ?? {});
  }

  function applySettings(s: Partial<ClientSettings>): void {
    analyser.settings = {
      ignore: Array.isArray(s.diagnostics?.ignore) ? s.diagnostics.ignore : DEFAULT_SETTINGS.ignore,
      maxFileSize: typeof s.maxFileSize === 'number' && s.maxFileSize > 0 ? s.maxFileSize : DEFAULT_SETTINGS.maxFileSize,
    };
    const fallback = defaultCoordinator();
    coordinator = {
      profile: typeof s.profile === 'string' && s.profile ? s.profile : fallback.profile,
      path: typeof s.coordinatorProfilePath === 'string' && s.coordinatorProfilePath ? s.coordinatorProfilePath : fallback.path,
    };
    const models = s.models && Object.values(s.models).some(Boolean) ? s.models : undefined;
    if (models && roots[0]) workspace.choose(resolveFiles(models, roots[0]));
    analyser.invalidateAll();
  }

  // ----- documents -----

  documents.onDidOpen(({ document }) => opened(document));
  documents.onDidChangeContent(({ document }) => {
    const path = pathOf(document.uri);
    if (path) analyser.touched(path);
  });
  documents.onDidClose(({ document }) => {
    const path = pathOf(document.uri);
    if (!path) return;
    byPath.delete(path);
    analyser.touched(path);
  });

  function opened(document: TextDocument): void {
    const path = pathOf(document.uri);
    if (!path || !path.endsWith('.nix')) return;
    byPath.set(path, document);
    if (!workspace.roleOf(path)) {
      const parsed = shapeReader.parse(new Source(path, document.getText(), dirname(path)));
      workspace.setRole(path, roleOf(path, parsed.expr));
    }
    analyser.touched(path);
  }

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const c of changes) {
      const path = pathOf(c.uri);
      if (!path) continue;
      if (c.type === FileChangeType.Deleted) workspace.setRole(path, undefined);
      else if (!workspace.roleOf(path)) workspace.setRole(path, roleOf(path));
      analyser.touched(path);
    }
  });

  // ----- the active deployment -----

  connection.onRequest(DEPLOYMENTS_REQUEST, (params: DeploymentsParams): DeploymentInfo[] => {
    const path = params.uri ? pathOf(params.uri) : undefined;
    const current = path ? workspace.deploymentFor(path) : undefined;
    const currentId = current && deploymentId(current);
    return workspace.deployments().map((files) => ({ files, active: deploymentId(files) === currentId }));
  });

  connection.onRequest(PROBLEMS_REQUEST, (files: DeploymentFiles): ModelProblem[] => {
    const state = analyser.stateOf(files);
    if (!state) return [{ severity: 'error', text: 'the models could not be analysed (see the Disnix output)' }];
    const folder = modelsFolder(files);
    return state.analysis.diagnostics.map((d) => ({ severity: d.severity, text: `${placeIn(d.loc, folder)}: ${d.message}` }));
  });

  connection.onNotification(CHOOSE_DEPLOYMENT_NOTIFICATION, (files: DeploymentFiles) => {
    workspace.choose(files);
    analyser.invalidateAll();
  });

  connection.onRequest<PlanResponse, void>(PLAN_REQUEST, (params: PlanParams): PlanResponse => {
    const path = params.uri ? pathOf(params.uri) : undefined;
    const files = (path && (workspace.deploymentFor(path) ?? workspace.activeIn(dirname(path)))) || workspace.deployments()[0];
    if (!files) {
      return { ok: false, title: 'Disnix', message: 'No Disnix deployment found: the workspace needs services, infrastructure and distribution models (or an architecture model).', problems: [] };
    }
    return planResponse(files, analyser.stateOf(files), coordinator, params.view === 'text' ? 'text' : 'graph');
  });

  // ----- features -----

  /** The fresh analysis, role and offset for a request at a position in a model file. */
  function at(uri: string, position?: { line: number; character: number }) {
    const path = pathOf(uri);
    const document = documents.get(uri);
    const role = path ? workspace.roleOf(path) : undefined;
    if (!path || !role) return undefined;
    const state = analyser.stateFor(path);
    if (!state) return undefined;
    const offset = position && document ? document.offsetAt(position) : 0;
    return { path, role, state, offset, document };
  }

  connection.onCompletion(({ textDocument, position, context }) => {
    const c = at(textDocument.uri, position);
    if (!c?.document) return null;
    const result = complete(c.state, c.path, c.role, c.offset, context?.triggerCharacter);
    const replace = { start: c.document.positionAt(result.replaceStart), end: c.document.positionAt(result.replaceEnd) };
    return result.items.map((item) => ({
      label: item.label,
      kind: completionKind[item.kind],
      detail: item.detail,
      ...(item.documentation ? { documentation: { kind: 'markdown' as const, value: item.documentation } } : {}),
      ...(item.sortText ? { sortText: item.sortText } : {}),
      textEdit: { range: replace, newText: item.insertText ?? item.label },
      ...(item.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
      ...(item.retrigger ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
    }));
  });

  connection.onHover(({ textDocument, position }) => {
    const c = at(textDocument.uri, position);
    const h = c && hover(c.state, c.path, c.role, c.offset);
    return h ? { contents: { kind: 'markdown', value: h.contents }, range: range(h.loc) } : null;
  });

  connection.onDefinition(({ textDocument, position }) => {
    const c = at(textDocument.uri, position);
    return c ? definition(c.state, c.path, c.offset).map(location) : null;
  });

  connection.onReferences(({ textDocument, position, context }) => {
    const c = at(textDocument.uri, position);
    return c ? references(c.state, c.path, c.offset, context.includeDeclaration).map(location) : null;
  });

  connection.onPrepareRename(({ textDocument, position }) => {
    const c = at(textDocument.uri, position);
    const r = c && prepareRename(c.state, c.path, c.offset);
    return r ? { range: range(r.loc), placeholder: r.placeholder } : null;
  });

  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const c = at(textDocument.uri, position);
    if (!c) return null;
    try {
      return workspaceEdit(rename(c.state, c.path, c.offset, newName));
    } catch (e) {
      if (e instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidRequest, e.message);
      throw e;
    }
  });

  connection.onDocumentSymbol(({ textDocument }) => {
    const c = at(textDocument.uri);
    if (!c) return null;
    const source = parsedFile(c.state, c.path)?.source;
    if (!source) return null;
    const convert = (item: OutlineItem): import('vscode-languageserver/node').DocumentSymbol => ({
      name: item.name,
      kind: symbolKind[item.kind],
      ...(item.detail !== undefined ? { detail: item.detail } : {}),
      range: source.range(item.span),
      selectionRange: source.range(item.selection),
      children: item.children.map(convert),
    });
    return outline(c.state, c.path, c.role).map(convert);
  });

  connection.onFoldingRanges(({ textDocument }) => {
    const c = at(textDocument.uri);
    if (!c?.document) return null;
    const doc = c.document;
    return foldingRanges(c.state, c.path)
      .map((s) => ({ startLine: doc.positionAt(s.start).line, endLine: doc.positionAt(s.end).line - 1 }))
      .filter((r) => r.endLine > r.startLine);
  });

  connection.languages.semanticTokens.on(({ textDocument }) => {
    const c = at(textDocument.uri);
    const builder = new SemanticTokensBuilder();
    if (!c?.document) return builder.build();
    for (const t of semanticTokens(c.state, c.path)) {
      const start = c.document.positionAt(t.start);
      builder.push(start.line, start.character, t.end - t.start, t.type === 'service' ? 0 : 1, t.declaration ? 1 : 0);
    }
    return builder.build();
  });

  connection.onCodeAction(({ textDocument, range: r }) => {
    const c = at(textDocument.uri);
    if (!c?.document) return null;
    return quickFixes(c.state, c.path, c.document.offsetAt(r.start), c.document.offsetAt(r.end)).map((f) => ({
      title: f.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic(f.diagnostic)],
      isPreferred: !!f.preferred,
      edit: workspaceEdit(f.edits),
    }));
  });


  connection.onCodeLens(({ textDocument }) => {
    const c = at(textDocument.uri);
    if (!c?.document) return null;
    return codeLenses(c.state, c.path, c.role).map((l) => ({
      range: { start: c.document!.positionAt(l.span.start), end: c.document!.positionAt(l.span.end) },
      command: { title: l.title, command: LENS_COMMANDS[l.action], arguments: [textDocument.uri] },
    }));
  });

  function workspaceEdit(edits: TextEdit[]): WorkspaceEdit {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const e of edits) (changes[uriOf(e.loc.source.path)] ??= []).push({ range: range(e.loc), newText: e.newText });
    return { changes };
  }

  documents.listen(connection);
}
