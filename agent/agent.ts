// The agent: what runs on a target. Each client interface operation (../shared/reference/
// disnix.md §4.1) is a method over the agent's state directory; results go to `out` one line at
// a time, messages to `log`. Every name that becomes a path is checked first.

import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { firstRejection } from '../core/collections';
import type { LockOwner } from '../core/deploy/lock-owner';
import type { ProfileService } from '../core/deploy/profile-manifest';
import type { ComponentActivity, Request } from '../core/deploy/protocol';
import type { ServiceStatus } from '../core/deploy/service-status';
import { jsonToNix } from '../core/plan/json-to-nix';
import { readSnapshotStream, snapshotStream, snapshotsTempDir } from '../core/deploy/snapshot-stream';
import { isStorePath, NIX_STORE, type ObjectStore } from '../core/deploy/store';
import { agentPaths, type AgentPaths } from './config';
import { checkSegment, componentName, DysnomiaState } from './dysnomia-state';
import { AgentError } from './errors';
import { Locks } from './locks';
import { nixPackageStore, ownPackageStore, type PackageStore } from './package-store';
import type { Activity } from './modules/module';
import { resolveModule, statusReader } from './modules/index';
import { Profiles, readProfileManifest } from './profiles';

export interface AgentIO {
  out: (line: string) => void;
  log: (line: string) => void;
  /** Where `--export --localfile /dev/stdout` writes. */
  stdout?: Writable;
  /** Where `--import --localfile /dev/stdin` reads. */
  stdin?: Readable;
}

const ENV_KEY = /^[^=\0]+$/;

/** `export` writes each closure into a new temporary folder of this prefix, as the file `closure`. */
export const EXPORT_DIR_PREFIX = 'dnx-export-';

export class Agent {
  readonly paths: AgentPaths;
  readonly store: ObjectStore;
  private readonly packages: PackageStore;
  readonly profiles: Profiles;
  readonly locks: Locks;
  readonly state: DysnomiaState;

  constructor(
    stateDir: string,
    private readonly selfCommand: string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** `nix`: packages go into the real Nix store, profiles are Nix GC roots; `own`: our store. */
    readonly storeKind: 'own' | 'nix' = 'own',
  ) {
    this.paths = agentPaths(stateDir, env);
    this.packages = storeKind === 'nix' ? nixPackageStore() : ownPackageStore(this.paths.store);
    this.store = this.packages.objects;
    this.profiles = new Profiles(this.paths.profiles, this.packages.addRoot);
    this.locks = new Locks(this.paths.locks);
    this.state = new DysnomiaState(this.paths.dysnomia);
  }

  async run(req: Request, io: AgentIO): Promise<void> {
    switch (req.op) {
      case 'import': {
        const source = req.file === '-' && io.stdin ? io.stdin : createReadStream(req.file);
        for (const p of await this.store.importPaths(source)) io.out(p);
        return;
      }
      case 'export': {
        for (const p of req.paths) this.mustHave(p);
        const stream = Readable.from(this.store.exportPaths(req.paths));
        if (req.stdout && io.stdout) {
          await pipeline(stream, io.stdout, { end: false });
          return;
        }
        const file = join(await mkdtemp(join(tmpdir(), EXPORT_DIR_PREFIX)), 'closure');
        await pipeline(stream, createWriteStream(file));
        io.out(file);
        return;
      }
      case 'print-invalid':
        for (const p of req.paths) this.checkStorePath(p);
        for (const p of this.packages.invalid(req.paths)) io.out(p);
        return;
      case 'realise':
        for (const p of req.paths) this.checkStorePath(p);
        for (const p of await this.packages.realise(req.paths)) io.out(p);
        return;
      case 'query-requisites':
        for (const p of this.store.closure(req.paths.map((p) => this.mustHave(p)))) io.out(p);
        return;
      case 'set':
        this.mustHave(req.path);
        readProfileManifest(this.where(req.path));
        await this.profiles.set(req.profile, req.path);
        return;
      case 'query-installed':
        io.out(JSON.stringify(this.installed(req.profile)));
        return;
      case 'query-status':
        io.out(JSON.stringify(this.statuses(req.profile)));
        return;
      case 'collect-garbage': {
        if (req.deleteOld) await this.profiles.deleteOld();
        const dead = await this.packages.collectGarbage(() => this.profiles.roots());
        io.log(`deleted ${dead.length} store object(s)`);
        for (const p of dead) io.out(p);
        return;
      }
      case 'lock':
        return this.lock(req.profile, req.owner ?? this.defaultOwner(), io);
      case 'unlock':
        return this.unlock(req.profile, req.owner, req.force ?? false, io);
      case 'query-all-snapshots':
        for (const g of this.state.generations(checkSegment('container', req.container), checkSegment('component', req.component))) io.out(`${req.container}/${req.component}/${g.id}`);
        return;
      case 'query-latest-snapshot': {
        const last = this.state.generations(checkSegment('container', req.container), checkSegment('component', req.component)).at(-1);
        if (last) io.out(`${req.container}/${req.component}/${last.id}`);
        return;
      }
      case 'print-missing-snapshots':
        for (const p of req.paths) if (!existsSync(this.snapshotPath(p))) io.out(p);
        return;
      case 'resolve-snapshots':
        for (const p of req.paths) io.out(this.snapshotPath(p));
        return;
      case 'export-snapshots': {
        const folders = req.paths.map((p) => this.snapshotFolder(p));
        if (req.stdout && io.stdout) return pipeline(Readable.from(snapshotStream(folders)), io.stdout, { end: false });
        // Local: the resolved snapshot folders are where the coordinator can read them already.
        for (const p of folders) io.out(p);
        return;
      }
      case 'import-snapshots': {
        if (!(req.paths.length === 1 && req.paths[0] === '-' && io.stdin)) return this.importSnapshots(req.container, req.component, req.paths);
        const dir = await snapshotsTempDir();
        try {
          return await this.importSnapshots(req.container, req.component, await readSnapshotStream(io.stdin, dir));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      case 'clean-snapshots':
        this.state.clean(req.keep, req.container && checkSegment('container', req.container), req.component && checkSegment('component', req.component));
        return;
      case 'capture-config':
        io.out(captureConfig(this.env));
        return;
      default:
        return this.activity(req, io);
    }
  }

  private checkStorePath(path: string): void {
    if (!isStorePath(path)) throw new AgentError(`'${path}' is not a store path`);
  }

  /** Whether the agent's store holds `path`. */
  private isPresent(path: string): boolean {
    this.checkStorePath(path);
    return this.store.isValid(path);
  }

  private mustHave(path: string): string {
    if (!this.isPresent(path)) throw new AgentError(`${path} is not on this machine`);
    return path;
  }

  /** Where a store path's content is on this machine. */
  private where(path: string): string {
    if (this.store.isValid(path)) return this.store.realPath(path);
    if (path.startsWith(NIX_STORE + '/') && existsSync(path)) return path;
    throw new AgentError(`${path} is not on this machine`);
  }

  installed(profile: string): ProfileService[] {
    const current = this.profiles.current(profile);
    // The profile keeps its generation in the store: no need to ask the store whether it is there.
    return current ? readProfileManifest(this.store.realPath(current)).services : [];
  }

  /** What each installed service is doing, as its activation module tells. */
  statuses(profile: string): ServiceStatus[] {
    return this.installed(profile).map((s) => {
      const read = isStorePath(s.type) ? undefined : statusReader(s.type, undefined, this.env);
      const now = read ? read({ componentName: componentName(s.pkg), container: s.container, paths: this.paths }) : { state: 'unknown' as const, detail: `the ${isStorePath(s.type) ? componentName(s.type) : s.type} module cannot tell` };
      return { name: s.name, container: s.container, ...now };
    });
  }

  /** A lock taken without `--owner` belongs to the program that asked (a Disnix client, say). */
  private defaultOwner(): string {
    return JSON.stringify({ host: hostname(), pid: process.ppid } satisfies LockOwner);
  }

  /** Asks every installed service (all at once: they do not depend on each other) whether it can be locked. */
  private async lock(profile: string, owner: string, io: AgentIO): Promise<void> {
    this.locks.acquire(profile, owner);
    const services = this.installed(profile);
    const results = await Promise.allSettled(services.map((s) => this.invoke('lock', s, io)));
    const refused = firstRejection(results);
    if (!refused) return;
    // A service refused: undo what was locked, and the lock itself.
    const locked = services.filter((_, i) => results[i].status === 'fulfilled');
    await Promise.all(locked.map((s) => this.invoke('unlock', s, io).catch((u: Error) => io.log(`unlocking ${s.name} failed too: ${u.message}`))));
    this.locks.release(profile, owner, true);
    throw refused.reason;
  }

  private async unlock(profile: string, owner: string | undefined, force: boolean, io: AgentIO): Promise<void> {
    if (this.locks.owner(profile) === undefined) return;
    this.locks.release(profile, owner, force);
    const results = await Promise.allSettled(this.installed(profile).map((s) => this.invoke('unlock', s, io)));
    const failed = firstRejection(results);
    if (failed) throw failed.reason;
  }

  private async activity(req: Extract<Request, { op: ComponentActivity }>, io: AgentIO): Promise<void> {
    const service: ProfileService = { key: '', name: componentName(req.path), pkg: req.path, type: req.type, container: req.container, arguments: req.arguments };
    if (req.op === 'shell') throw new AgentError('an interactive shell is only offered by `dnx agent` run in a terminal');
    await this.invoke(req.op === 'delete-state' ? 'collect-garbage' : req.op, service, io);
  }

  /** Runs `activity` of a service's module, and keeps Dysnomia's marks of its state. */
  async invoke(activity: Activity, s: ProfileService, io: AgentIO): Promise<void> {
    const component = this.where(s.pkg);
    const name = checkSegment('component', componentName(s.pkg));
    const container = checkSegment('container', s.container);
    const env: NodeJS.ProcessEnv = { ...this.env, DYSNOMIA_STATEDIR: this.paths.dysnomia };
    for (const [k, v] of s.arguments) {
      if (!ENV_KEY.test(k) || v.includes('\0')) throw new AgentError(`invalid container property '${k}'`);
      env[k] = v;
    }
    const typePath = isStorePath(s.type) ? this.where(s.type) : undefined;
    const module = resolveModule(s.type, typePath, this.env);
    mkdirSync(this.paths.dysnomia, { recursive: true });
    await module({ activity, component, componentName: name, container, env, paths: this.paths, state: this.state, selfCommand: this.selfCommand, log: io.log });
    if (activity === 'activate') this.state.markActive(container, name);
    else if (activity === 'deactivate') this.state.markGarbage(container, name);
    else if (activity === 'collect-garbage') this.state.unmarkGarbage(container, name);
  }

  /** A snapshot folder by its resolved path (as `resolve-snapshots` prints it), checked to be one. */
  snapshotFolder(resolved: string): string {
    return this.snapshotPath(relative(join(this.paths.dysnomia, 'snapshots'), resolved));
  }

  private snapshotPath(rel: string): string {
    const full = join(this.paths.dysnomia, 'snapshots', rel);
    const inside = relative(join(this.paths.dysnomia, 'snapshots'), full);
    if (isAbsolute(rel) || inside.startsWith('..') || inside.split(sep).length !== 3) throw new AgentError(`'${rel}' is not a snapshot (container/component/id)`);
    return full;
  }

  /** Copies snapshot folders in; each folder's name is the snapshot's id. */
  private async importSnapshots(container: string, component: string, folders: string[]): Promise<void> {
    const dest = this.state.snapshotsDir(checkSegment('container', container), checkSegment('component', component));
    for (const folder of folders) {
      const id = checkSegment('snapshot', basename(folder));
      if (!existsSync(join(dest, id))) await cp(folder, join(dest, id), { recursive: true, verbatimSymlinks: true });
      this.state.addGeneration(container, component, id);
    }
  }
}

/**
 * This machine's configuration as an infrastructure entry, as `dysnomia-containers
 * --generate-expr` prints it: properties and containers from Dysnomia's configuration files
 * (`key=value` lines; values come back as strings).
 */
export function captureConfig(env: NodeJS.ProcessEnv): string {
  const readProps = (file: string): [string, string][] => {
    try {
      return readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#') && l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
    } catch {
      return [];
    }
  };
  const containersDir = env.DYSNOMIA_CONTAINERS_PATH || '/etc/dysnomia/containers';
  let containers: string[] = [];
  try {
    containers = readdirSync(containersDir).sort();
  } catch {
    // no containers configured
  }
  const properties = Object.fromEntries(readProps(env.DYSNOMIA_PROPERTIES_PATH || '/etc/dysnomia/properties'));
  return jsonToNix({ properties, containers: Object.fromEntries(containers.map((c) => [c, Object.fromEntries(readProps(join(containersDir, c)).filter(([k]) => k !== 'type'))])) });
}
