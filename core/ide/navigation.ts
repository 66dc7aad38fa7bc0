// Go to definition, find references and rename, for services and targets across the model files.

import type { Loc } from '../nix/source';
import type { IdeState, TextEdit } from './state';
import { occurrenceAt, occurrencesOf } from './symbols';

/** Where the service or target under the cursor is defined. */
export function definition(state: IdeState, path: string, offset: number): Loc[] {
  const at = occurrenceAt(state, path, offset);
  if (!at) return [];
  return occurrencesOf(state, at.kind, at.name).filter((o) => o.role === 'definition').map((o) => o.loc);
}

export function references(state: IdeState, path: string, offset: number, includeDeclaration: boolean): Loc[] {
  const at = occurrenceAt(state, path, offset);
  if (!at) return [];
  return occurrencesOf(state, at.kind, at.name)
    .filter((o) => includeDeclaration || o.role !== 'definition')
    .map((o) => o.loc);
}

export interface RenameTarget {
  loc: Loc;
  placeholder: string;
}

/** What a rename at the cursor would change, or undefined when there is nothing to rename. */
export function prepareRename(state: IdeState, path: string, offset: number): RenameTarget | undefined {
  const at = occurrenceAt(state, path, offset);
  return at ? { loc: at.loc, placeholder: at.name } : undefined;
}

export class RenameError extends Error {}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
const KEYWORDS = new Set(['assert', 'else', 'if', 'in', 'inherit', 'let', 'or', 'rec', 'then', 'with']);

/** The edits that rename the service or target under the cursor everywhere it is named. */
export function rename(state: IdeState, path: string, offset: number, newName: string): TextEdit[] {
  const at = occurrenceAt(state, path, offset);
  if (!at) throw new RenameError('Only services and targets can be renamed here.');
  if (!IDENTIFIER.test(newName) || KEYWORDS.has(newName)) {
    throw new RenameError(`'${newName}' is not a valid Nix identifier.`);
  }
  const { model } = state.analysis;
  const taken = at.kind === 'service' ? model.services.has(newName) : model.infrastructure.has(newName);
  if (newName !== at.name && taken) throw new RenameError(`There is already a ${at.kind} called '${newName}'.`);
  return occurrencesOf(state, at.kind, at.name).map((o) => ({ loc: o.loc, newText: newName }));
}
