// Which Disnix model files the workspace has and which deployment each open file is analysed
// in: the user's choice for its folder (remembered by the client), else the most likely
// candidate that contains the file.

import { dirname, join, resolve } from 'node:path';
import { candidateDeployments, roleOf, type ModelRole } from '../core/model/roles';
import type { DeploymentFiles } from '../core/model/types';
import { diskFiles, type NixFiles } from '../core/nix/files';

const SKIP_DIRS = new Set(['node_modules', 'result', 'out', 'dist']);
const MAX_FILES = 20_000;
const MAX_DEPTH = 8;

export class ModelWorkspace {
  private readonly files = new Map<string, ModelRole>();

  constructor(private readonly disk: NixFiles = diskFiles) {}

  /** The deployment the user chose, per folder. */
  private readonly chosen = new Map<string, DeploymentFiles>();
  private candidates: DeploymentFiles[] = [];

  /** Finds model files by name under the workspace folders. */
  scan(roots: string[]): void {
    let budget = MAX_FILES;
    const visit = (dir: string, depth: number) => {
      let entries;
      try {
        entries = this.disk.readDir(dir);
      } catch {
        return;
      }
      for (const [name, type] of entries) {
        if (--budget < 0) return;
        if (type === 'directory') {
          if (depth < MAX_DEPTH && !name.startsWith('.') && !SKIP_DIRS.has(name)) visit(join(dir, name), depth + 1);
        } else if (name.endsWith('.nix')) {
          const role = roleOf(name);
          if (role) this.files.set(join(dir, name), role);
        }
      }
    };
    for (const root of roots) visit(root, 0);
    this.update();
  }

  /** Records a file's role (known from its name, or from its formals once parsed); undefined forgets it. */
  setRole(path: string, role: ModelRole | undefined): void {
    if (this.files.get(path) === role) return;
    if (role) this.files.set(path, role);
    else this.files.delete(path);
    this.update();
  }

  roleOf(path: string): ModelRole | undefined {
    return this.files.get(path);
  }

  /** Makes `files` the deployment analysed for its folder. Paths are absolute. */
  choose(files: DeploymentFiles): void {
    const first = files.architecture ?? files.services ?? files.distribution ?? files.infrastructure;
    if (first) this.chosen.set(dirname(first), files);
  }

  /** Every deployment the files can form, most likely first. */
  deployments(): DeploymentFiles[] {
    return this.candidates;
  }

  /** The deployment a model file is analysed in, or undefined for a file no deployment contains. */
  deploymentFor(path: string): DeploymentFiles | undefined {
    const active = this.activeIn(dirname(path));
    if (active && contains(active, path)) return active;
    return this.candidates.find((d) => contains(d, path));
  }

  /** The deployment shown for a folder: the chosen one, else the most likely one. */
  activeIn(dir: string): DeploymentFiles | undefined {
    return this.chosen.get(dir) ?? this.candidates.find((d) => Object.values(d).some((p) => dirname(p) === dir));
  }

  private update(): void {
    this.candidates = candidateDeployments([...this.files].map(([path, role]) => ({ path, role })));
  }
}

export function contains(d: DeploymentFiles, path: string): boolean {
  return Object.values(d).includes(path);
}

/** Resolves the `disnix.models` setting's paths against a workspace folder. */
export function resolveFiles(files: DeploymentFiles, root: string): DeploymentFiles {
  const out: DeploymentFiles = {};
  for (const [role, path] of Object.entries(files) as [keyof DeploymentFiles, string | undefined][]) if (path) out[role] = resolve(root, path);
  return out;
}
