// A simulated target: the client interface answered from memory, with no process, network or
// store behind it. It stands in where nothing real can run: a deployment to a thousand targets
// (bench/scale.ts), and faults at an exact step (test/deploy/executor.test.ts). What it keeps
// is what the real agent keeps: valid paths, profiles, locks, what runs in which container,
// snapshots; every call is recorded. Real deployments never use it.

import { mappingKey } from '../../plan/types';
import { refusalIn, TargetError } from '../errors';
import type { Request } from '../protocol';
import type { LocalStore } from '../store';
import type { FetchedSnapshots, TargetClient } from '../transport';

/** Makes one call fail (its message) or take time (milliseconds), or neither (undefined). */
export interface SimulatedBehaviour {
  fail?: (req: Request, target: string) => string | undefined;
  delayMs?: (req: Request, target: string) => number;
}

export class MemoryTarget {
  readonly paths = new Set<string>();
  readonly profiles = new Map<string, string>();
  readonly locks = new Map<string, string>();
  /** `mappingKey`-like keys (path, target, container) of what runs, in the order activated. */
  readonly running: string[] = [];
  /** Snapshot ids per `container/component`, oldest first. */
  readonly snapshots = new Map<string, string[]>();
  readonly calls: Request[] = [];
}

export class MemoryClient implements TargetClient {
  constructor(
    readonly target: string,
    readonly state: MemoryTarget = new MemoryTarget(),
    private readonly behaviour: SimulatedBehaviour = {},
  ) {}

  async call(req: Request): Promise<string[]> {
    this.state.calls.push(req);
    const delay = this.behaviour.delayMs?.(req, this.target) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const failure = this.behaviour.fail?.(req, this.target);
    if (failure !== undefined) throw new TargetError(this.target, req.op, failure);
    try {
      return this.answer(req);
    } catch (e) {
      // As a real transport reports it: the target, the operation, what it said and refused.
      const message = (e as Error).message;
      throw new TargetError(this.target, req.op, message, refusalIn(message));
    }
  }

  private answer(req: Request): string[] {
    const s = this.state;
    switch (req.op) {
      case 'print-invalid':
        return req.paths.filter((p) => !s.paths.has(p));
      case 'lock': {
        const held = s.locks.get(req.profile);
        if (held !== undefined) throw new Error(`profile '${req.profile}' is locked by ${held}`);
        s.locks.set(req.profile, req.owner ?? '');
        return [];
      }
      case 'unlock': {
        const held = s.locks.get(req.profile);
        if (!req.force && held !== undefined && req.owner !== undefined && held !== req.owner) throw new Error(`profile '${req.profile}' is locked by ${held}, not by ${req.owner}`);
        s.locks.delete(req.profile);
        return [];
      }
      case 'activate':
      case 'deactivate': {
        const key = mappingKey({ service: req.path, target: this.target, container: req.container });
        const at = s.running.indexOf(key);
        if (req.op === 'activate' && at < 0) s.running.push(key);
        if (req.op === 'deactivate' && at >= 0) s.running.splice(at, 1);
        return [];
      }
      case 'snapshot': {
        const key = `${req.container}/${componentOf(req.path)}`;
        const list = s.snapshots.get(key) ?? [];
        list.push(String(list.length + 1));
        s.snapshots.set(key, list);
        return [];
      }
      case 'query-latest-snapshot': {
        const id = s.snapshots.get(`${req.container}/${req.component}`)?.at(-1);
        return id ? [`${req.container}/${req.component}/${id}`] : [];
      }
      case 'print-missing-snapshots':
        return req.paths.filter((p) => !s.snapshots.get(p.split('/').slice(0, 2).join('/'))?.includes(p.split('/')[2]));
      case 'resolve-snapshots':
        return req.paths;
      case 'set':
        s.profiles.set(req.profile, req.path);
        return [];
      case 'query-installed':
        return s.profiles.has(req.profile) ? [s.profiles.get(req.profile)!] : [];
      default:
        return [];
    }
  }

  async sendClosure(_store: LocalStore, paths: string[]): Promise<number> {
    await this.call({ op: 'import', file: '-' });
    for (const p of paths) this.state.paths.add(p);
    return 0;
  }

  async fetchClosure(): Promise<void> {
    throw new Error('a simulated target builds nothing');
  }

  async fetchSnapshots(paths: string[]): Promise<FetchedSnapshots> {
    return { folders: paths, dispose: async () => undefined };
  }

  async sendSnapshots(container: string, component: string, folders: string[]): Promise<void> {
    await this.call({ op: 'import-snapshots', container, component, paths: folders });
    const key = `${container}/${component}`;
    this.state.snapshots.set(key, [...(this.state.snapshots.get(key) ?? []), ...folders.map((f) => f.split('/').at(-1)!)]);
  }

  async close(): Promise<void> {}
}

/** The store path's name without its hash, as Dysnomia files snapshots under. */
function componentOf(storePath: string): string {
  return (storePath.split('/').at(-1) ?? '').replace(/^[a-z0-9]{32}-/, '');
}
