// From core's plain data (offsets into sources, severities as words) to LSP types.

import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  SymbolKind,
  type Diagnostic as LspDiagnostic,
  type Location,
  type Range,
} from 'vscode-languageserver/node';
import type { CompletionKind } from '../core/ide/completion';
import type { OutlineKind } from '../core/ide/outline';
import type { Diagnostic } from '../core/nix/diagnostic';
import type { Loc } from '../core/nix/source';

/** URIs as the client sent them, so what we send back matches its documents exactly. */
const uris = new Map<string, string>();

export function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  const path = fileURLToPath(uri);
  uris.set(path, uri);
  return path;
}

export function uriOf(path: string): string {
  return uris.get(path) ?? pathToFileURL(path).href;
}

export function range(loc: Loc): Range {
  return loc.source.range(loc);
}

export function location(loc: Loc): Location {
  return { uri: uriOf(loc.source.path), range: range(loc) };
}

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;

export function diagnostic(d: Diagnostic): LspDiagnostic {
  return {
    range: range(d.loc),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'disnix',
    message: d.message,
    ...(d.code === 'service-not-distributed' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    ...(d.related?.length ? { relatedInformation: d.related.map((r) => ({ location: location(r.loc), message: r.message })) } : {}),
  };
}

export const completionKind: Record<CompletionKind, CompletionItemKind> = {
  service: CompletionItemKind.Class,
  target: CompletionItemKind.Module,
  attribute: CompletionItemKind.Property,
  type: CompletionItemKind.Enum,
  container: CompletionItemKind.Folder,
  property: CompletionItemKind.Field,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
};

export const symbolKind: Record<OutlineKind, SymbolKind> = {
  service: SymbolKind.Class,
  target: SymbolKind.Module,
  mapping: SymbolKind.Field,
  section: SymbolKind.Namespace,
  attribute: SymbolKind.Property,
};

/** Semantic token legend: our own types, declared in package.json with standard super types. */
export const tokenTypes = ['disnixService', 'disnixTarget'];
export const tokenModifiers = ['declaration'];
