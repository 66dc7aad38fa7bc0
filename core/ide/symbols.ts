// Where each service and target is named across the model files: its definition, the
// references to it, and the `name = "..."` string that must match a service's attribute name.
// Definition, references, rename, hover and semantic tokens all read this one index.

import { compareLocs, type Loc } from '../nix/source';
import { walk } from '../nix/walk';
import { deploymentRoles, parsedFile, textAt, type IdeState } from './state';

export type SymbolKind = 'service' | 'target';

export interface Occurrence {
  kind: SymbolKind;
  name: string;
  /** `name`: the inside of the string a service's `name` attribute is written as. */
  role: 'definition' | 'reference' | 'name';
  loc: Loc;
}

const index = new WeakMap<IdeState['analysis'], Occurrence[]>();

/** Every occurrence in the deployment's files, in no particular order. */
export function occurrences(state: IdeState): Occurrence[] {
  const known = index.get(state.analysis);
  if (known) return known;
  const { model, files } = state.analysis;
  const out: Occurrence[] = [];
  const seen = new Set<string>();
  const add = (kind: SymbolKind, name: string, role: Occurrence['role'], loc: Loc) => {
    // Locations generated code falls back to are not where the name is written.
    if (textAt(loc) !== name) return;
    const id = `${loc.source.path}\0${loc.start}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ kind, name, role, loc });
  };
  for (const s of model.services.values()) {
    add('service', s.key, 'definition', s.loc);
    if (s.name) add('service', s.name.value, 'name', { ...s.name.loc, start: s.name.loc.start + 1, end: s.name.loc.end - 1 });
  }
  for (const t of model.infrastructure.values()) add('target', t.key, 'definition', t.loc);
  for (const m of model.distribution.values()) add('service', m.service, 'reference', m.loc);
  for (const [name, loc] of model.packages) add('target', name, 'reference', loc);
  for (const [path, role] of deploymentRoles(files)) {
    const parsed = parsedFile(state, path);
    if (!parsed) continue;
    walk(parsed.expr, (e) => {
      // `inherit HelloService;` and `db = mysqlDatabase;` in the services or architecture model.
      if (e.kind === 'var' && e.ref.kind !== 'unresolved' && (role === 'services' || role === 'architecture') && model.services.has(e.name)) {
        add('service', e.name, 'reference', e.loc);
      }
      // `infrastructure.test1` wherever the infrastructure is in scope.
      if (e.kind === 'select' && e.expr.kind === 'var' && e.expr.name === 'infrastructure' && e.path[0]?.kind === 'static') {
        add('target', e.path[0].name, 'reference', e.path[0].loc);
      }
    });
  }
  index.set(state.analysis, out);
  return out;
}

/** The occurrence under the cursor, if the cursor is on a service or target name. */
export function occurrenceAt(state: IdeState, path: string, offset: number): Occurrence | undefined {
  return occurrences(state).find((o) => o.loc.source.path === path && o.loc.start <= offset && offset <= o.loc.end);
}

/** Every occurrence of the same symbol. */
export function occurrencesOf(state: IdeState, kind: SymbolKind, name: string): Occurrence[] {
  return occurrences(state)
    .filter((o) => o.kind === kind && o.name === name)
    .sort((a, b) => compareLocs(a.loc, b.loc));
}
