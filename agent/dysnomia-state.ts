// Dysnomia's state layout (../shared/reference/disnix.md §5), which modules and tools share:
// `snapshots/<container>/<component>/<id>`, numbered `generations/...` linking to snapshots,
// and the `activated/...` and `garbage/...` marks. Deactivation only marks a component's state
// as garbage; `delete-state` removes state marked so.

import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AgentError } from './errors';

const NAME = /^[A-Za-z0-9_+=?-][A-Za-z0-9._+=?-]*$/;

/** A component or container name used in a path: a single, ordinary path segment. */
export function checkSegment(kind: string, name: string): string {
  if (!NAME.test(name) || name.length > 255) throw new AgentError(`invalid ${kind} name '${name}'`);
  return name;
}

/** A store path's name without its hash (`/nix/store/<32 chars>-staff` -> `staff`). */
export function componentName(path: string): string {
  const base = basename(path);
  return /^[0-9a-z]{32}-/.test(base) ? base.slice(33) : base;
}

export class DysnomiaState {
  constructor(readonly dir: string) {}

  private at(kind: string, container: string, component: string): string {
    return join(this.dir, kind, checkSegment('container', container), checkSegment('component', component));
  }

  snapshotsDir(container: string, component: string): string {
    return this.at('snapshots', container, component);
  }

  generationsDir(container: string, component: string): string {
    return this.at('generations', container, component);
  }

  markActive(container: string, component: string): void {
    const active = this.at('activated', container, component);
    const garbage = this.at('garbage', container, component);
    mkdirSync(join(active, '..'), { recursive: true });
    if (existsSync(garbage)) renameSync(garbage, active);
    else writeFileSync(active, '');
  }

  markGarbage(container: string, component: string): void {
    const active = this.at('activated', container, component);
    const garbage = this.at('garbage', container, component);
    if (existsSync(garbage)) return;
    mkdirSync(join(garbage, '..'), { recursive: true });
    if (existsSync(active)) renameSync(active, garbage);
    else writeFileSync(garbage, '');
  }

  isGarbage(container: string, component: string): boolean {
    return existsSync(this.at('garbage', container, component));
  }

  unmarkGarbage(container: string, component: string): void {
    rmSync(this.at('garbage', container, component), { force: true });
  }

  /** Snapshot ids of a component, oldest generation first. */
  generations(container: string, component: string): { n: number; id: string }[] {
    const dir = this.generationsDir(container, component);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => /^\d+$/.test(n))
      .map((n) => ({ n: Number(n), id: basename(readlinkSync(join(dir, n))) }))
      .sort((a, b) => a.n - b.n);
  }

  /** Makes `id` (a directory in the snapshots folder) the newest generation, unless it is already. */
  addGeneration(container: string, component: string, id: string): void {
    checkSegment('snapshot', id);
    const gens = this.generations(container, component);
    if (gens.at(-1)?.id === id) return;
    const dir = this.generationsDir(container, component);
    mkdirSync(dir, { recursive: true });
    symlinkSync(join('..', '..', '..', 'snapshots', container, component, id), join(dir, String((gens.at(-1)?.n ?? 0) + 1)));
  }

  /** The newest snapshot's directory, if any. */
  latest(container: string, component: string): string | undefined {
    const last = this.generations(container, component).at(-1);
    return last && join(this.snapshotsDir(container, component), last.id);
  }

  /** Keeps the newest `keep` generations (and their snapshots); removes the rest. */
  clean(keep: number, container?: string, component?: string): void {
    const containers = container ? [container] : this.list('generations');
    for (const c of containers) {
      const components = component ? [component] : this.list('generations', c);
      for (const k of components) {
        const gens = this.generations(c, k);
        const kept = new Set(gens.slice(Math.max(0, gens.length - keep)).map((g) => g.id));
        for (const g of gens.slice(0, Math.max(0, gens.length - keep))) {
          rmSync(join(this.generationsDir(c, k), String(g.n)), { force: true });
          if (!kept.has(g.id)) rmSync(join(this.snapshotsDir(c, k), g.id), { recursive: true, force: true });
        }
      }
    }
  }

  private list(kind: string, container?: string): string[] {
    try {
      return readdirSync(container ? join(this.dir, kind, container) : join(this.dir, kind));
    } catch {
      return [];
    }
  }
}
