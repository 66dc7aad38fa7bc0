// The outline of a model file (document symbols) and its foldable blocks, read from its syntax.

import type { ModelRole } from '../model/roles';
import type { Expr } from '../nix/ast';
import type { Span } from '../nix/source';
import { topLevelSet, walk } from '../nix/walk';
import { parsedFile, type IdeState } from './state';

export type OutlineKind = 'service' | 'target' | 'mapping' | 'section' | 'attribute';

export interface OutlineItem {
  name: string;
  kind: OutlineKind;
  /** The whole definition, `name = value`. */
  span: Span;
  /** The name. */
  selection: Span;
  detail?: string;
  children: OutlineItem[];
}

const TOP_KINDS: Partial<Record<ModelRole, OutlineKind>> = { services: 'service', infrastructure: 'target', distribution: 'mapping', packages: 'target' };

export function outline(state: IdeState, path: string, role: ModelRole): OutlineItem[] {
  const parsed = parsedFile(state, path);
  const top = parsed && topLevelSet(parsed.expr);
  if (!top) return [];
  if (role === 'architecture') {
    return entries(top, 'section', 2).map((section) => ({ ...section, children: section.children.map((c) => ({ ...c, kind: section.name === 'services' ? 'service' : 'target' })) }));
  }
  return entries(top, TOP_KINDS[role] ?? 'attribute');
}

/** The set's attributes, with their own attributes one level down (`levels`). */
function entries(set: Extract<Expr, { kind: 'attrs' }>, kind: OutlineKind, levels = 1): OutlineItem[] {
  return [...set.attrs].map(([name, def]) => {
    const value = def.value;
    const children = value.kind === 'attrs' && levels > 0 ? entries(value, 'attribute', levels - 1) : [];
    const detail = value.kind === 'string' && value.parts.length === 1 && typeof value.parts[0] === 'string' ? value.parts[0] : undefined;
    return {
      name,
      kind,
      span: { start: Math.min(def.loc.start, value.loc.start), end: Math.max(def.loc.end, value.loc.end) },
      selection: { start: def.loc.start, end: def.loc.end },
      ...(detail !== undefined ? { detail } : {}),
      children,
    };
  });
}

/** Sets, lists and `let` blocks that span more than one line. */
export function foldingRanges(state: IdeState, path: string): Span[] {
  const parsed = parsedFile(state, path);
  if (!parsed) return [];
  const text = parsed.source.text;
  const out: Span[] = [];
  walk(parsed.expr, (e) => {
    if ((e.kind === 'attrs' || e.kind === 'list' || e.kind === 'let') && text.lastIndexOf('\n', e.loc.end) > e.loc.start) out.push({ start: e.loc.start, end: e.loc.end });
  });
  for (const m of text.matchAll(/\/\*[\s\S]*?\*\//g)) if (m[0].includes('\n')) out.push({ start: m.index!, end: m.index! + m[0].length });
  return out.sort((a, b) => a.start - b.start);
}
