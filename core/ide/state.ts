// What every editor feature works from: one analysis of the active deployment and the current
// text of its files. Features take this and a place in a file, and return plain data; only
// server/ turns that into LSP types.

import { dirname } from 'node:path';
import type { Analysis } from '../model/analyse';
import type { ModelRole } from '../model/roles';
import type { DeploymentFiles, DeploymentModel } from '../model/types';
import type { ParsedFile } from '../nix/parse-cache';
import { Source, type Loc } from '../nix/source';

export interface IdeState {
  analysis: Analysis;
  /**
   * The model with each part whose file fails now taken from the last analysis where it did
   * not (`Analysis.stableModel`). Text being typed rarely parses, and completion still offers
   * the names the model had a keystroke ago.
   */
  stableModel: DeploymentModel;
  /** The file's current text: the editor's unsaved text first, else the disk's. */
  text(path: string): string;
}

/** A change to one file: replace the text at `loc` (empty for an insertion). */
export interface TextEdit {
  loc: Loc;
  newText: string;
}

/** The files of a deployment with the role each plays in it. */
export function deploymentRoles(files: DeploymentFiles): Map<string, ModelRole> {
  const roles = new Map<string, ModelRole>();
  for (const role of ['services', 'infrastructure', 'distribution', 'packages', 'architecture'] as const) {
    const path = files[role];
    if (path && !roles.has(path)) roles.set(path, role);
  }
  return roles;
}

/** The parsed file, from the evaluator's cache when the analysis has read this text already. */
export function parsedFile(state: IdeState, path: string): ParsedFile | undefined {
  let text: string;
  try {
    text = state.text(path);
  } catch {
    return undefined;
  }
  return state.analysis.evaluator.parse(new Source(path, text, dirname(path)));
}

export function textAt(loc: Loc): string {
  return loc.source.text.slice(loc.start, loc.end);
}

