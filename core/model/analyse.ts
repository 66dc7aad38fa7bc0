// One analysis of a deployment: load the model files, validate, and return the model and
// every diagnostic, sorted by file and position, minus the codes the user silenced.

import { dirname, relative } from 'node:path';
import { diagnostic, type Diagnostic, type DiagnosticCode } from '../nix/diagnostic';
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
  /**
   * The model of the previous analysis (its `stableModel`): a part whose file now fails to
   * parse or evaluate is taken from it for the checks across files, so a typo in one file does
   * not make false errors in the others.
   */
  lastGood?: DeploymentModel;
}

export interface Analysis {
  files: DeploymentFiles;
  /** The targets' defaults it was loaded with (a re-load for another system uses them too). */
  targetDefaults: TargetDefaults;
  model: DeploymentModel;
  /** `model` with the parts whose file failed taken from the last good model: what the checks across files used. */
  stableModel: DeploymentModel;
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
  const failed = failedParts(files, model, diagnostics);
  const { lastGood } = options;
  const stableModel: DeploymentModel = lastGood ? { ...model, ...Object.fromEntries(failed.map((part) => [part, lastGood[part]])) } : model;
  const failedFiles = new Set(failed.map((part) => files[part]));
  // What is checked across files against a failed part is not known (without a last good model) or not current in its file.
  const unknowable = new Set((lastGood ? [] : failed).flatMap((part) => CHECKS_AGAINST[part]));
  const checks = validateModel(stableModel).filter((d) => !failedFiles.has(d.loc.source.path) && !unknowable.has(d.code));
  const ignored = new Set(options.ignore ?? []);
  const all = [...diagnostics, ...absentCheckouts(evaluator), ...checks].filter((d) => !ignored.has(d.code));
  all.sort((a, b) => compareLocs(a.loc, b.loc));
  return { files, targetDefaults, model, stableModel, diagnostics: all, evaluator };
}

type ModelPart = 'services' | 'infrastructure' | 'distribution';

/** The checks in other files that compare with a part (those in its own file are dropped with it). */
const CHECKS_AGAINST: Record<ModelPart, DiagnosticCode[]> = {
  services: ['unknown-service', 'unknown-container'],
  infrastructure: ['unknown-target', 'unknown-container'],
  distribution: ['service-not-distributed', 'dependency-not-distributed', 'unknown-container'],
};

/** A part fails when its file has a syntax error, or an error left the part empty. */
function failedParts(files: DeploymentFiles, model: DeploymentModel, diagnostics: Diagnostic[]): ModelPart[] {
  const errorsIn = (path: string, syntaxOnly: boolean) => diagnostics.some((d) => d.loc.source.path === path && (syntaxOnly ? d.code === 'syntax-error' : d.severity === 'error'));
  return (['services', 'infrastructure', 'distribution'] as const).filter((part) => {
    const path = files[part];
    return !!path && (errorsIn(path, true) || (model[part].size === 0 && errorsIn(path, false)));
  });
}
