// One analysis of a deployment: load the model files, validate, and return the model and
// every diagnostic, sorted by file and position, minus the codes the user silenced.

import { dirname, relative } from 'node:path';
import { diagnostic, type Diagnostic } from '../nix/diagnostic';
import { Evaluator, type EvaluatorOptions } from '../nix/eval';
import type { NixFiles } from '../nix/files';
import { compareLocs } from '../nix/source';
import type { Lazy } from '../nix/values';
import { loadDeployment, type TargetDefaults } from './load';
import type { DeploymentFiles, DeploymentModel } from './types';
import { validateModel } from './validate';

export interface AnalysisOptions {
  /** How files are read and looked at: the disk by default; the editor lays its unsaved documents over it (`withTexts`). */
  files?: NixFiles;
  extraParams?: Map<string, Lazy>;
  /** Diagnostic codes not to report. */
  ignore?: Iterable<string>;
  /** The targets' defaults the command line or the environment set, as Disnix takes them. */
  targetDefaults?: TargetDefaults;
  /** Evaluation limits; the language server keeps them small so a runaway model stays fast. */
  limits?: Pick<EvaluatorOptions, 'maxDepth' | 'maxSteps' | 'maxAlloc'>;
}

export interface Analysis {
  files: DeploymentFiles;
  /** The targets' defaults it was loaded with (a re-load for another system uses them too). */
  targetDefaults: TargetDefaults;
  model: DeploymentModel;
  diagnostics: Diagnostic[];
  evaluator: Evaluator;
}

/** The first path outside the models that is not on this machine, said once, where it was met. */
function absentCheckouts(evaluator: Evaluator): Diagnostic[] {
  const [first] = [...evaluator.absentPaths].filter(([, loc]) => loc);
  if (!first) return [];
  const [path, loc] = first;
  const shown = relative(dirname(loc!.source.path), path) || path;
  return [diagnostic('unavailable-path', `${shown} is not on this machine: what is built from it is not checked`, loc!)];
}

export function analyseDeployment(files: DeploymentFiles, options: AnalysisOptions = {}): Analysis {
  // A checkout outside the models' folders that is not here is unknown, not an error (Evaluator.absentElsewhere).
  const modelFolders = [...new Set(Object.values(files).filter((f): f is string => !!f).map((f) => dirname(f)))];
  const evaluator = new Evaluator({ files: options.files, onTrace: () => {}, modelFolders, ...options.limits });
  const targetDefaults = options.targetDefaults ?? {};
  const { model, diagnostics } = loadDeployment(evaluator, files, { extraParams: options.extraParams, targetDefaults });
  const ignored = new Set(options.ignore ?? []);
  const all = [...diagnostics, ...absentCheckouts(evaluator), ...validateModel(model)].filter((d) => !ignored.has(d.code));
  all.sort((a, b) => compareLocs(a.loc, b.loc));
  return { files, targetDefaults, model, diagnostics: all, evaluator };
}
