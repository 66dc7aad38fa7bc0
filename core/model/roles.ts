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
 * The deployments a set of model files can form, per folder, as a person would pair them:
 * each distribution with the services and infrastructure of its suffix (`distribution-cyclic.nix`
 * with `services-cyclic.nix`), else with the plain ones (`distribution-loadbalancing.nix` with
 * `services.nix`); a services model no distribution takes gets one the same way; an
 * infrastructure no pairing takes joins the pairings that had none of their own suffix. Each
 * architecture model is one deployment. Plain names come first: the first entry is the most likely one.
 */
export function candidateDeployments(files: { path: string; role: ModelRole }[]): DeploymentFiles[] {
  const byDir = groupBy(files, (f) => dirname(f.path));
  const out: DeploymentFiles[] = [];
  for (const dirFiles of byDir.values()) {
    const of = (role: ModelRole) => dirFiles.filter((f) => f.role === role).map((f) => f.path).sort(byPlainNameFirst);
    const packages = of('packages')[0];
    const withPackages = packages ? { packages } : {};
    const services = of('services');
    const distributions = of('distribution');
    const infrastructures = of('infrastructure');
    const pairs: { services: string; distribution: string }[] = [];
    for (const distribution of distributions) for (const s of bySuffix(services, suffix(distribution)).files) pairs.push({ services: s, distribution });
    for (const s of services.filter((s) => !pairs.some((p) => p.services === s))) for (const distribution of bySuffix(distributions, suffix(s)).files) pairs.push({ services: s, distribution });
    const used = new Set<string>();
    const inexact: typeof pairs = [];
    for (const pair of pairs) {
      let infra = bySuffix(infrastructures, suffix(pair.distribution));
      if (!infra.exact) infra = bySuffix(infrastructures, suffix(pair.services));
      if (!infra.exact) inexact.push(pair);
      for (const infrastructure of infra.files) {
        used.add(infrastructure);
        out.push({ services: pair.services, infrastructure, distribution: pair.distribution, ...withPackages });
      }
    }
    for (const infrastructure of infrastructures.filter((i) => !used.has(i))) {
      for (const pair of inexact.length ? inexact : pairs.slice(0, 1)) out.push({ services: pair.services, infrastructure, distribution: pair.distribution, ...withPackages });
    }
    for (const architecture of of('architecture')) out.push({ architecture, ...withPackages });
  }
  return out;
}

/** The files of a suffix (`exact`), else the plain ones, else all of them. */
function bySuffix(files: string[], wanted: string): { files: string[]; exact: boolean } {
  const same = files.filter((f) => suffix(f) === wanted);
  if (same.length) return { files: same, exact: true };
  const plain = files.filter((f) => suffix(f) === '');
  return { files: plain.length ? plain : files, exact: false };
}

function suffix(path: string): string {
  return basename(path).replace(/^[a-z]+/i, '').replace(/\.nix$/, '').replace(/^[-_.]/, '');
}

function byPlainNameFirst(a: string, b: string): number {
  return suffix(a).length - suffix(b).length || (a < b ? -1 : a > b ? 1 : 0);
}
