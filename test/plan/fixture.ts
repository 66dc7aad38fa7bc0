// Deployments written as Nix text into a temporary folder, analysed and turned into a
// manifest. Builds are plain derivations (`builder = "/bin/sh"`), so store paths are real.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseDeployment } from '../../core/model/analyse';
import type { Diagnostic } from '../../core/nix/diagnostic';
import { buildManifest, type ManifestOptions } from '../../core/plan/manifest';
import type { Manifest } from '../../core/plan/types';
import { ready } from '../helpers';

export interface Models {
  /** The body of the services set; `drv NAME SCRIPT` makes a derivation. */
  services: string;
  infrastructure: string;
  distribution: string;
  packages?: string;
}

export function writeModels(m: Models): Record<'services' | 'infrastructure' | 'distribution', string> & { packages?: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dnx-plan-'));
  const files = {
    dir,
    services: join(dir, 'services.nix'),
    infrastructure: join(dir, 'infrastructure.nix'),
    distribution: join(dir, 'distribution.nix'),
    ...(m.packages ? { packages: join(dir, 'packages.nix') } : {}),
  };
  writeFileSync(files.services, `{ system, pkgs, distribution, invDistribution }:
let drv = name: script: derivation { inherit name system; builder = "/bin/sh"; args = [ "-c" script ]; };
in rec {
${m.services}
}
`);
  writeFileSync(files.infrastructure, m.infrastructure);
  writeFileSync(files.distribution, `{ infrastructure }:\n${m.distribution}\n`);
  if (m.packages) writeFileSync(files.packages!, m.packages);
  return files;
}

export async function manifestOf(m: Models, options: ManifestOptions = {}): Promise<{ manifest?: Manifest; diagnostics: Diagnostic[] }> {
  await ready;
  const { dir: _dir, ...files } = writeModels(m);
  return buildManifest(analyseDeployment(files), options);
}

export async function manifest(m: Models, options: ManifestOptions = {}): Promise<Manifest> {
  const r = await manifestOf(m, options);
  if (!r.manifest) throw new Error(`no manifest: ${r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n')}`);
  return r.manifest;
}

/** The hash of the service called `name` (on `target`, when it has several). */
export function hashOf(m: Manifest, name: string, target?: string): string {
  const mapping = m.serviceMappings.find((x) => m.services[x.service].name === name && (target === undefined || x.target === target));
  if (!mapping) throw new Error(`${name} is not mapped${target ? ` to ${target}` : ''}`);
  return mapping.service;
}

export const twoTargets = `{
  test1 = { properties.hostname = "test1"; containers.process = { }; system = "x86_64-linux"; };
  test2 = { properties.hostname = "test2"; containers.process = { }; system = "x86_64-linux"; numOfCores = 2; };
}`;
