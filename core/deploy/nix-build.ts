// The build phase for services whose packages are Nix derivations, as `disnix-instantiate`
// and `disnix-build` do it: real Nix evaluates the models and builds each service with its
// inter-dependency arguments (../shared/reference/disnix.md §1.2). Which dependency instances
// each service sees is decided once, by our model (the same normalisation the plan uses), and
// handed to a fixed Nix expression as JSON; Nix does the rest, so what it builds is what Disnix
// would build.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dependencyRefs } from '../plan/builds';
import type { DeploymentFiles, DeploymentModel } from '../model/types';
import { DEFAULT_NUM_OF_CORES, RESERVED_SERVICE_ATTRIBUTES } from '../model/schema';
import { DeployError } from './errors';
import { LineSplitter } from './lines';
import { lastLines } from './nix-store';

/** What Nix is asked to build: the models' files and, per service, where its dependencies run. */
export interface BuildSpec {
  services: string;
  infrastructure: string;
  distribution: string;
  /** Per target: the normalised attributes the model filled in (§1.3). */
  targets: Record<string, { system: string; clientInterface: string; targetProperty: string }>;
  /** Per target: the services mapped there (for `invDistribution`). */
  placed: Record<string, string[]>;
  /** Per service: its inter-dependency parameters, each the service it names and its instances. */
  deps: Record<string, Record<string, { service: string; targets: { target: string; container: string; provider: string | null }[] }>>;
  builds: { service: string; system: string }[];
}

export interface BuiltService {
  service: string;
  system: string;
  drv: string;
  out: string;
}

/**
 * The Nix expression that builds `spec`. The services model is called per system as Disnix
 * calls it; each dependency parameter is the dependency's attributes plus `targets`/`target`
 * (and `connectsTo` when it has inter-dependencies of its own).
 */
const GLUE = `{ spec, extraParams ? { } }:
let
  s = builtins.fromJSON (builtins.readFile spec);
  callWith = f: args: f (builtins.intersectAttrs (builtins.functionArgs f) args);
  infrastructure = import s.infrastructure;
  distribution = callWith (import s.distribution) ({ inherit infrastructure; } // extraParams);
  reserved = [ ${RESERVED_SERVICE_ATTRIBUTES.map((a) => JSON.stringify(a)).join(' ')} ];
  forSystem = system:
    let
      pkgs = import <nixpkgs> { inherit system; };
      invDistribution = builtins.mapAttrs (t: target: target // {
        services = builtins.listToAttrs (map (k: { name = k; value = services.\${k}; }) (s.placed.\${t} or [ ]));
      }) infrastructure;
      services = callWith (import s.services) ({ inherit system pkgs distribution invDistribution; } // extraParams);
      provided = svc: (svc.providesContainers or { })
        // (if svc ? providesContainer then { \${svc.providesContainer} = removeAttrs svc reserved; } else { });
      targetParam = r:
        let
          t = infrastructure.\${r.target};
          fromProvider = if r.provider == null then { } else provided services.\${r.provider};
        in removeAttrs t [ "containers" ] // {
          inherit (s.targets.\${r.target}) system clientInterface targetProperty;
          numOfCores = t.numOfCores or ${DEFAULT_NUM_OF_CORES};
          selectedContainer = r.container;
          container = fromProvider.\${r.container} or t.containers.\${r.container};
        };
      depParam = d:
        let
          dep = services.\${d.service};
          targets = map targetParam d.targets;
        in removeAttrs dep [ "activatesAfter" "connectsTo" "dependsOn" ] // {
          deployState = dep.deployState or false;
          inherit targets;
          target = builtins.head targets;
        } // (if (s.deps.\${d.service} or { }) != { } then { connectsTo = paramsOf d.service; } else { });
      paramsOf = key: builtins.mapAttrs (param: depParam) (s.deps.\${key} or { });
    in key: let params = paramsOf key; in if params == { } then services.\${key}.pkg else services.\${key}.pkg params;
  systems = builtins.listToAttrs (map (b: { name = b.system; value = forSystem b.system; }) s.builds);
in map (b: let d = systems.\${b.system} b.service; in { drv = d.drvPath; out = "\${d}"; }) s.builds
`;

/** The spec for building `services` (keys) of `model`, read from `files`. */
export function buildSpec(model: DeploymentModel, files: DeploymentFiles, services: string[]): BuildSpec {
  if (!files.services || !files.infrastructure || !files.distribution) throw new DeployError('building packages with Nix needs the services, infrastructure and distribution models (-s -i -d); an architecture model (-A) cannot be built yet');
  const spec: BuildSpec = { services: resolve(files.services), infrastructure: resolve(files.infrastructure), distribution: resolve(files.distribution), targets: {}, placed: {}, deps: {}, builds: [] };
  for (const t of model.infrastructure.values()) {
    spec.targets[t.key] = { system: t.system, clientInterface: t.clientInterface, targetProperty: t.targetProperty.value };
    spec.placed[t.key] = [];
  }
  for (const m of model.distribution.values()) {
    for (const target of new Set(m.targets.map((t) => t.target))) spec.placed[target]?.push(m.service);
  }
  for (const s of model.services.values()) {
    const params: BuildSpec['deps'][string] = {};
    for (const dep of [...s.connectsTo, ...s.dependsOn]) {
      if (dep.service === undefined || !model.services.has(dep.service)) continue;
      params[dep.param] = { service: dep.service, targets: dependencyRefs(model, dep).map((r) => ({ target: r.target, container: r.container, provider: r.containerProvidedByService ?? null })) };
    }
    spec.deps[s.key] = params;
  }
  for (const key of services) {
    const systems = new Set((model.distribution.get(key)?.targets ?? []).map((t) => model.infrastructure.get(t.target)?.system ?? model.system));
    for (const system of systems.size > 0 ? systems : [model.system]) spec.builds.push({ service: key, system });
  }
  return spec;
}

export interface NixBuildOptions {
  /** `--extra-params`, as Nix text. */
  extraParams?: string;
  /** Only instantiate: the store derivations, to be built elsewhere (`--build-on-targets`). */
  instantiateOnly?: boolean;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** Instantiates (and builds) the spec's services with real Nix. */
export async function nixBuild(spec: BuildSpec, o: NixBuildOptions = {}): Promise<BuiltService[]> {
  if (spec.builds.length === 0) return [];
  const dir = await mkdtemp(join(tmpdir(), 'dnx-build-'));
  try {
    const glue = join(dir, 'build.nix');
    const specFile = join(dir, 'spec.json');
    await writeFile(glue, GLUE);
    await writeFile(specFile, JSON.stringify(spec));
    const args = ['--eval', '--strict', '--json', '--read-write-mode', glue, '--argstr', 'spec', specFile, ...(o.extraParams ? ['--arg', 'extraParams', o.extraParams] : [])];
    const paths = JSON.parse(await nix('nix-instantiate', args, o)) as { drv: string; out: string }[];
    const built = spec.builds.map((b, i) => ({ ...b, ...paths[i] }));
    if (!o.instantiateOnly) await nix('nix-store', ['--realise', ...new Set(built.map((b) => b.drv))], o);
    return built;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a Nix tool, passing on its messages; a failure says what Nix said last. */
function nix(tool: string, args: string[], o: NixBuildOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(tool, args, { maxBuffer: 256 * 1024 * 1024, signal: o.signal }, (err, stdout, stderr) => {
      if (!err) return resolvePromise(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new DeployError(`${tool} is not installed: building derivations needs Nix (Debian: nix-bin)`));
      if (err.name === 'AbortError') return reject(new DeployError('the build was cancelled'));
      const said = lastLines(stderr, 6).join('\n  ');
      reject(new DeployError(`${tool} failed:\n  ${said || err.message}`));
    });
    const lines = new LineSplitter((l) => o.log?.(l));
    child.stderr?.on('data', (c: Buffer) => lines.push(c));
    child.stderr?.on('end', () => lines.end());
  });
}
