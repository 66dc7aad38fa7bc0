// Generated Disnix-shaped models for benchmarks: services with dependsOn edges,
// infrastructure targets, and a distribution, written as ordinary Nix files.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ModelSize {
  services: number;
  targets: number;
  edges: number;
}

export interface ModelOptions {
  /**
   * Builds as plain derivations (`builder = "/bin/sh"`) that read each dependency's host, as
   * Disnix calls them, instead of a `throw` nobody forces: for benchmarks that compute store paths.
   */
  derivations?: boolean;
}

export function writeDisnixModel(dir: string, size: ModelSize, options: ModelOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  // Edges are spread evenly and point to lower-numbered services (i-7, i-14, ...; i-1, i-2, ...
  // near the start), so the dependency graph has no cycle, as a valid model must not.
  const perService = size.edges / size.services;
  if (!Number.isInteger(perService) || perService * 7 >= size.services) throw new Error('edges must be a small multiple of services');
  const svc: string[] = ['{ system, pkgs, distribution, invDistribution }:', '', 'let', '  customPkgs = throw "packages are not built in this benchmark";',
    '  drv = name: script: derivation { inherit name system; builder = "/bin/sh"; args = [ "-c" script ]; };', 'in', 'rec {'];
  for (let i = 0; i < size.services; i++) {
    const deps: string[] = [];
    for (let k = 1; k <= perService; k++) {
      const j = i - k * 7 >= 0 ? i - k * 7 : i - k;
      if (j >= 0) deps.push(`s${j}`);
    }
    const hosts = deps.map((d) => `\${${d}.target.properties.hostname}`).join(' ');
    const pkg = !options.derivations ? `customPkgs.s${i}` : `${deps.length ? `{ ${deps.join(', ')} }: ` : ''}drv "s${i}" "echo ${hosts} > $out"`;
    svc.push(`  s${i} = {`, `    name = "s${i}";`, `    pkg = ${pkg};`, `    dependsOn = { ${deps.length ? `inherit ${deps.join(' ')}; ` : ''}};`, `    type = "process";`, `    port = ${8000 + i};`, '  };', '');
  }
  svc.push('}');
  writeFileSync(join(dir, 'services.nix'), svc.join('\n'));

  const infra = ['{'];
  for (let t = 0; t < size.targets; t++) {
    infra.push(`  test${t} = {`, `    properties = { hostname = "test${t}.example.org"; mem = ${1024 * (1 + (t % 8))}; };`, `    containers.process = { };`, `    numOfCores = ${1 + (t % 4)};`, '  };');
  }
  infra.push('}');
  writeFileSync(join(dir, 'infrastructure.nix'), infra.join('\n'));

  const dist = ['{ infrastructure }:', '', '{'];
  for (let i = 0; i < size.services; i++) {
    const a = i % size.targets;
    const b = (i * 13 + 5) % size.targets;
    dist.push(`  s${i} = [ infrastructure.test${a}${i % 3 === 0 && a !== b ? ` infrastructure.test${b}` : ''} ];`);
  }
  dist.push('}');
  writeFileSync(join(dir, 'distribution.nix'), dist.join('\n'));

  // What a tool reads of the models: every service's name, type, dependencies and targets.
  writeFileSync(join(dir, 'model.nix'), `let
  infrastructure = import ./infrastructure.nix;
  distribution = import ./distribution.nix { inherit infrastructure; };
  invDistribution = { };
  services = import ./services.nix { inherit distribution invDistribution; system = "x86_64-linux"; pkgs = { }; };
in builtins.mapAttrs (name: s: {
  inherit (s) name type port;
  dependsOn = builtins.attrNames s.dependsOn;
  targets = map (t: t.properties.hostname) distribution.\${name};
}) services
`);
  return join(dir, 'model.nix');
}
