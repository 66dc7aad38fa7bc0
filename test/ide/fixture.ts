// Text fixtures for the editor features: the hello-world example's files, with some replaced,
// held in memory; `<|>` in a file marks the cursor.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseDeployment } from '../../core/model/analyse';
import { roleOf, type ModelRole } from '../../core/model/roles';
import type { IdeState, TextEdit } from '../../core/ide/state';
import { memoryFiles } from '../helpers';

export const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'hello-world');
const ROOT = '/project';
const CURSOR = '<|>';

export interface Fixture {
  state: IdeState;
  /** The file with the cursor, its role and the cursor's offset. */
  path: string;
  role: ModelRole;
  offset: number;
  files: Map<string, string>;
}

/** `overrides`: file name to text; exactly one may hold the cursor marker. */
export function fixture(overrides: Record<string, string> = {}): Fixture {
  const files = new Map<string, string>();
  for (const name of ['services.nix', 'infrastructure.nix', 'distribution.nix', 'pkgs/default.nix']) files.set(`${ROOT}/${name}`, read(name));
  let path = `${ROOT}/services.nix`;
  let offset = 0;
  for (const [name, text] of Object.entries(overrides)) {
    const at = text.indexOf(CURSOR);
    if (at >= 0) {
      path = `${ROOT}/${name}`;
      offset = at;
    }
    files.set(`${ROOT}/${name}`, text.replace(CURSOR, ''));
  }
  const disk = memoryFiles(files);
  const deployment = { services: `${ROOT}/services.nix`, infrastructure: `${ROOT}/infrastructure.nix`, distribution: `${ROOT}/distribution.nix` };
  // As in the server: a part whose file does not parse now is taken from the model before the edit.
  const lastGood = Object.keys(overrides).length ? fixture().state.stableModel : undefined;
  const analysis = analyseDeployment(deployment, { files: disk, lastGood });
  return { state: { analysis, stableModel: analysis.stableModel, text: disk.readText }, path, role: roleOf(path)!, offset, files };
}

/** A file of the example with `marker` inserted where `before` first occurs. */
export function withCursor(name: string, before: string, replacement = before): Record<string, string> {
  const text = read(name);
  if (!text.includes(before)) throw new Error(`'${before}' is not in ${name}`);
  return { [name]: text.replace(before, replacement.includes(CURSOR) ? replacement : CURSOR + replacement) };
}

/** Applies edits to the fixture's files, returning the changed texts by file name. */
export function applyEdits(f: Fixture, edits: TextEdit[]): Record<string, string> {
  const out: Record<string, string> = {};
  const byPath = new Map<string, TextEdit[]>();
  for (const e of edits) byPath.set(e.loc.source.path, [...(byPath.get(e.loc.source.path) ?? []), e]);
  for (const [path, list] of byPath) {
    let text = f.files.get(path)!;
    for (const e of [...list].sort((a, b) => b.loc.start - a.loc.start)) text = text.slice(0, e.loc.start) + e.newText + text.slice(e.loc.end);
    out[path.slice(ROOT.length + 1)] = text;
  }
  return out;
}

export function read(name: string): string {
  return readFileSync(join(EXAMPLE, name), 'utf8');
}
