// Which model a file is, by Disnix's naming conventions and, failing that, by the formals of
// its top-level function; and which deployments (services + infrastructure + distribution
// [+ packages], or an architecture model) a folder of such files makes up.

import { basename, dirname } from 'node:path';
import { groupBy } from '../collections';
import type { Expr } from '../nix/ast';
import type { DeploymentFiles } from './types';

export type ModelRole = 'services' | 'infrastructure' | 'distribution' | 'packages' | 'architecture' | 'qos' | 'network';

const namePatterns: [RegExp, ModelRole][] = [
  [/^services.*\.nix$/i, 'services'],
  [/^infrastructure.*\.nix$/i, 'infrastructure'],
  [/^distribution.*\.nix$/i, 'distribution'],
  [/^packages.*\.nix$/i, 'packages'],
  [/^architecture.*\.nix$/i, 'architecture'],
  [/^qos.*\.nix$/i, 'qos'],
  [/^network.*\.nix$/i, 'network'],
];

/** The role of a model file, or undefined for any other Nix file (left to other tools). */
export function roleOf(path: string, expr?: Expr): ModelRole | undefined {
  const name = basename(path);
  for (const [re, role] of namePatterns) if (re.test(name)) return role;
  return expr ? roleByShape(expr) : undefined;
}

/** A function's formals give a model away: `{ infrastructure }:` is a distribution, and so on. */
function roleByShape(expr: Expr): ModelRole | undefined {
  if (expr.kind !== 'lambda' || !expr.formals) return undefined;
  const names = new Set(expr.formals.entries.map((f) => f.name));
  if (names.has('distribution') && names.has('invDistribution')) return 'services';
  if (names.has('infrastructure') && names.has('initialDistribution')) return 'qos';
  if (names.has('infrastructure') && names.size === 1) return 'distribution';
  return undefined;
}

/**
 * The deployments a set of model files can form, per folder: every services and distribution
 * pair with the folder's infrastructure files, plus each architecture model. Variants are
 * paired by suffix first (`services-cyclic.nix` with `distribution-cyclic.nix`); the plain
 * names are the default. The first entry is the most likely one.
 */
export function candidateDeployments(files: { path: string; role: ModelRole }[]): DeploymentFiles[] {
  const byDir = groupBy(files, (f) => dirname(f.path));
  const out: DeploymentFiles[] = [];
  for (const dirFiles of byDir.values()) {
    const of = (role: ModelRole) => dirFiles.filter((f) => f.role === role).map((f) => f.path).sort(byPlainNameFirst);
    const infrastructures = of('infrastructure');
    const packages = of('packages')[0];
    for (const architecture of of('architecture')) out.push({ architecture, ...(packages ? { packages } : {}) });
    for (const services of of('services')) {
      for (const distribution of of('distribution')) {
        for (const infrastructure of infrastructures) out.push({ services, infrastructure, distribution, ...(packages ? { packages } : {}) });
      }
    }
  }
  const score = (d: DeploymentFiles) => {
    const suffixes = [d.services, d.distribution, d.infrastructure].filter((p): p is string => !!p).map(suffix);
    return suffixes.filter((s) => s === suffixes[0]).length * 2 - suffixes.filter((s) => s !== '').length * 0.1;
  };
  return out.sort((a, b) => score(b) - score(a));
}

function suffix(path: string): string {
  return basename(path).replace(/^[a-z]+/i, '').replace(/\.nix$/, '').replace(/^[-_.]/, '');
}

function byPlainNameFirst(a: string, b: string): number {
  return suffix(a).length - suffix(b).length || (a < b ? -1 : a > b ? 1 : 0);
}
