// The code lenses above the model that decides what runs where (the distribution model, or an
// architecture model): plan the deployment, or show its graph.

import type { ModelRole } from '../model/roles';
import type { Span } from '../nix/source';
import { topLevelSet } from '../nix/walk';
import { parsedFile, type IdeState } from './state';

export type LensAction = 'plan' | 'graph';

export interface CodeLens {
  span: Span;
  title: string;
  action: LensAction;
}

const ROLES: ModelRole[] = ['distribution', 'architecture'];

export function codeLenses(state: IdeState, path: string, role: ModelRole): CodeLens[] {
  if (!ROLES.includes(role)) return [];
  const parsed = parsedFile(state, path);
  if (!parsed) return [];
  // Above the set of mappings, where the reader's eye starts; else above the whole file.
  const top = topLevelSet(parsed.expr) ?? parsed.expr;
  const span = { start: top.loc.start, end: top.loc.start };
  return [
    { span, title: 'Plan', action: 'plan' },
    { span, title: 'Show graph', action: 'graph' },
  ];
}
