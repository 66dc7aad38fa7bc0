// Semantic tokens: service and target names in a model file, so themes can colour them apart
// from other attributes.

import type { Span } from '../nix/source';
import type { IdeState } from './state';
import { occurrences, type SymbolKind } from './symbols';

export interface SemanticToken extends Span {
  type: SymbolKind;
  declaration: boolean;
}

export function semanticTokens(state: IdeState, path: string): SemanticToken[] {
  return occurrences(state)
    .filter((o) => o.loc.source.path === path && o.role !== 'name')
    .map((o) => ({ start: o.loc.start, end: o.loc.end, type: o.kind, declaration: o.role === 'definition' }))
    .sort((a, b) => a.start - b.start);
}
