// The model flags every model-reading command shares (`-s -i -d -P -A --extra-params`, as the
// Disnix tools take them), and analysing the models they name.

import { resolve } from 'node:path';
import { analyseDeployment, type Analysis } from '../core/model/analyse';
import type { DeploymentFiles } from '../core/model/types';
import { EvalError } from '../core/nix/errors';
import { Evaluator } from '../core/nix/eval';
import { initParser } from '../core/nix/parser';
import { NixAttrs, type Lazy } from '../core/nix/values';
import { type ArgReader, UsageError } from './args';
import { readTargetFlag, type TargetArgs } from './targets';
import { targetDefaultsFrom } from '../core/model/load';

export const modelOptionsHelp = `models (as the Disnix tools take them):
  -s, --services FILE         services model
  -i, --infrastructure FILE   infrastructure model
  -d, --distribution FILE     distribution model
  -P, --packages FILE         packages model
  -A, --architecture FILE     deployment architecture model (instead of -s -i -d)
  --extra-params EXPR         extra arguments for the services and distribution functions
  --target-property NAME      the property holding the address of a target that names none
                              (default: $DISNIX_TARGET_PROPERTY, else hostname)
  --interface PROGRAM         the client interface of a target that names none
                              (default: $DISNIX_CLIENT_INTERFACE, else disnix-ssh-client)`;

/** With `--target-property` and `--interface`, which set the defaults of the targets that name none. */
export interface ModelArgs extends TargetArgs {
  files: DeploymentFiles;
  extraParams?: string;
}

/** Reads `flag` (and its value) into `out` when it is a model flag; false otherwise. */
export function readModelFlag(flag: string, r: ArgReader, out: ModelArgs): boolean {
  switch (flag) {
    case '-s': case '--services': out.files.services = resolve(r.value(flag)); return true;
    case '-i': case '--infrastructure': out.files.infrastructure = resolve(r.value(flag)); return true;
    case '-d': case '--distribution': out.files.distribution = resolve(r.value(flag)); return true;
    case '-P': case '--packages': out.files.packages = resolve(r.value(flag)); return true;
    case '-A': case '--architecture': out.files.architecture = resolve(r.value(flag)); return true;
    case '--extra-params': out.extraParams = r.value(flag); return true;
    default: return readTargetFlag(flag, r, out);
  }
}

export function hasModels(f: DeploymentFiles): boolean {
  return Object.values(f).some((v) => v !== undefined);
}

/** The combinations Disnix accepts (scripts/checks.in). */
export function checkCombination(f: DeploymentFiles): void {
  const classic = f.services && f.infrastructure && f.distribution && !f.architecture;
  const architecture = f.architecture && !f.services && !f.distribution && !f.infrastructure;
  const packagesOnly = f.packages && f.infrastructure && !f.services && !f.distribution && !f.architecture;
  if (!classic && !architecture && !packagesOnly) throw new UsageError('an unknown combination of models was given');
}

function parseExtraParams(expr: string | undefined): Map<string, Lazy> | undefined {
  if (expr === undefined) return undefined;
  try {
    const ev = new Evaluator();
    const v = ev.force(ev.evalString(expr, process.cwd(), '«--extra-params»'));
    if (!(v instanceof NixAttrs)) throw new UsageError('--extra-params must be an attribute set');
    return v.vals;
  } catch (e) {
    if (e instanceof EvalError) throw new UsageError(`--extra-params: ${e.message}`);
    throw e;
  }
}

export async function analyseModels(args: ModelArgs, ignore: string[] = []): Promise<{ analysis: Analysis; extraParams?: Map<string, Lazy> }> {
  checkCombination(args.files);
  await initParser();
  const extraParams = parseExtraParams(args.extraParams);
  const fromEnv = targetDefaultsFrom(process.env);
  const targetDefaults = { targetProperty: args.targetProperty ?? fromEnv.targetProperty, clientInterface: args.clientInterface ?? fromEnv.clientInterface };
  return { analysis: analyseDeployment(args.files, { extraParams, ignore, targetDefaults }), extraParams };
}
