// Where an agent keeps packages, as one strategy the agent holds: in Nix's own store (what Nix
// builds there stays there, profiles are Nix garbage collector roots), or in the agent's own
// store under its state folder (no Nix needed). The agent's operations never ask which.

import { NixStore } from '../core/deploy/nix-store';
import { LocalStore, type ObjectStore } from '../core/deploy/store';
import { AgentError } from './errors';

export interface PackageStore {
  readonly kind: 'nix' | 'own';
  readonly objects: ObjectStore;
  /** `paths` the store does not hold. */
  invalid(paths: string[]): string[];
  /** Builds or substitutes `paths`; resolves with what is now there. */
  realise(paths: string[]): Promise<string[]>;
  /** Deletes what none of `roots` (the profiles' generations) keeps; resolves with what went. */
  collectGarbage(roots: () => string[]): Promise<string[]>;
  /** Keeps `storePath` alive for as long as `link` names it (a profile generation). */
  addRoot?: (link: string, storePath: string) => Promise<void>;
}

export function nixPackageStore(): PackageStore {
  const nix = new NixStore();
  return {
    kind: 'nix',
    objects: nix,
    invalid: (paths) => nix.invalid(paths),
    realise: (paths) => nix.realise(paths),
    // Nix knows its roots, the profiles' among them.
    collectGarbage: () => nix.collectGarbage(),
    addRoot: (link, path) => nix.addRoot(link, path),
  };
}

export function ownPackageStore(root: string): PackageStore {
  const own = new LocalStore(root);
  return {
    kind: 'own',
    objects: own,
    invalid: (paths) => own.invalid(paths),
    realise: async (paths) => {
      const missing = own.invalid(paths);
      if (missing.length > 0) throw new AgentError(`cannot realise ${missing[0]}: it is not on this machine, and building needs Nix`);
      return paths;
    },
    collectGarbage: (roots) => own.collectGarbage(roots()),
  };
}
