// The build phase for what needs no Nix: every package the manifest names that the models
// computed from a path (`pkg = ./build`) or a `toFile` is copied into the coordinator's store,
// and each target's profile is made: an object holding the target's profile manifest and
// referring to all its packages, so its closure is everything the target needs.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeStorePath, type StoreSources } from '../nix/store';
import type { Manifest } from '../plan/types';
import { inParallel } from '../collections';
import { profileManifestOf } from './activations';
import { DeployError } from './errors';
import type { BuiltService } from './nix-build';
import { PROFILE_MANIFEST_FILE } from './profile-manifest';
import { copyTree, type LocalStore } from './store';

/** Builds the named services' derivations with Nix; resolves with what was built. */
export type NixBuilder = (services: string[]) => Promise<BuiltService[]>;

export interface RealiseOptions {
  /** Builds derivations; without it, only plain folders and files can be deployed. */
  build?: NixBuilder;
  /** Plan only (`--dry-run`): nothing is built, the profiles are named but not complete. */
  planOnly?: boolean;
}

/**
 * Puts the manifest's packages into `store` and returns the manifest with each target's
 * profile path. `sources` are those of the evaluation that computed the manifest (where each
 * path came from).
 */
export async function realise(manifest: Manifest, sources: StoreSources, store: LocalStore, o: RealiseOptions = {}): Promise<Manifest> {
  const services = new Map<string, string>();
  for (const s of Object.values(manifest.services)) {
    if (s.pkg === null) throw new DeployError(`${s.name}: its package needs Nixpkgs, which the planner does not evaluate; deploying such services is not supported yet`);
    services.set(s.pkg, s.name);
  }
  const derivations = new Map<string, string>();
  const copied = new Map<string, string>();
  for (const [pkg, name] of services) {
    if (store.isValid(pkg) || sources.get(pkg)) copied.set(pkg, name);
    else derivations.set(pkg, name);
  }
  for (const p of Object.values(manifest.profiles)) for (const pkg of p.packages) if (pkg !== null && !services.has(pkg)) copied.set(pkg, pkg);
  // Copies overlap their file system calls; two wanting the same object keep the first.
  await inParallel([...copied], COPIES_AT_ONCE, ([pkg, name]) => realisePath(pkg, name, sources, store));
  if (derivations.size > 0 && !o.planOnly) await buildDerivations(derivations, store, o.build);

  const profiles = await Promise.all(
    Object.entries(manifest.profiles).map(async ([target, profile]) => {
      const packages = profile.packages.filter((p): p is string => p !== null);
      return [target, { ...profile, path: await makeProfile(manifest, target, packages, store) }] as const;
    }),
  );
  return { ...manifest, profiles: Object.fromEntries(profiles) };
}

async function buildDerivations(derivations: Map<string, string>, store: LocalStore, build: NixBuilder | undefined): Promise<void> {
  const names = [...new Set(derivations.values())].sort();
  if (!build) throw new DeployError(`${names.join(', ')}: built by Nix derivations, and Nix is not installed here (Debian: nix-bin)`);
  const built = await build(names);
  for (const [pkg, name] of derivations) {
    if (!built.some((b) => b.out === pkg)) {
      const got = built.filter((b) => b.service === name).map((b) => b.out);
      throw new DeployError(`${name}: Nix built ${got.join(', ') || 'nothing'}, where the plan computed ${pkg}; the models evaluate differently under Nix (please report this)`);
    }
    if (!store.isValid(pkg)) throw new DeployError(`${name}: ${pkg} was built but is not in the Nix store`);
  }
}

async function realisePath(pkg: string, name: string, sources: StoreSources, store: LocalStore): Promise<void> {
  if (store.isValid(pkg)) return;
  const source = sources.get(pkg);
  if (!source) throw new DeployError(`${name}: ${pkg} is not a folder, file or text dnx copies into the store (a Nix derivation in a packages model, or a filtered builtins.path); it cannot be deployed yet`);
  if (source.kind === 'text') {
    for (const r of source.references) await realisePath(r, r, sources, store);
    await store.addText(pkg, source.text, source.references);
    return;
  }
  // The files may have changed since the models were evaluated: what was copied must be what was hashed.
  const base = pkg.slice(pkg.indexOf('-') + 1);
  await store.add(
    (dest) => copyTree(source.path, dest),
    (hash) => {
      if (makeStorePath('source', hash, base) !== pkg) throw new DeployError(`${name}: ${source.path} changed after the models were read; deploy again`);
      return pkg;
    },
  );
}

const STORE_NAME = /[^A-Za-z0-9+\-._?=]/g;
/** Packages copied into the store at once: enough to overlap file system calls, few enough for open files. */
const COPIES_AT_ONCE = 16;

/** The target's profile object: its profile manifest, referring to its packages. */
function makeProfile(manifest: Manifest, target: string, packages: string[], store: LocalStore): Promise<string> {
  const references = [...new Set(packages)].sort();
  return store.add(
    async (dest) => {
      await mkdir(dest);
      await writeFile(join(dest, PROFILE_MANIFEST_FILE), JSON.stringify(profileManifestOf(manifest, target), null, 2) + '\n');
    },
    (hash) => makeStorePath(['source', ...references].join(':'), hash, `dnx-profile-${target.replace(STORE_NAME, '_')}`),
    references,
  );
}
