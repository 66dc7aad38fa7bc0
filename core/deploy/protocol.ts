// The client interface between the coordinator and a target (../shared/reference/disnix.md
// §4.1): each operation and its command line, as Disnix's clients take it. Our agent parses
// the same command line, so `dnx agent` is a drop-in `disnix-run-activity`, and any Disnix
// client (`disnix-ssh-client`, a custom one) can stand in for our transports.

export type ComponentActivity = 'activate' | 'deactivate' | 'snapshot' | 'restore' | 'delete-state' | 'shell';

/** `--arguments k=v`: the container's properties, passed to the activation module. */
export type ContainerArguments = [string, string][];

export type Request =
  /** `file` is on the machine running the client (`-`: standard input, our agent only). */
  | { op: 'import'; file: string }
  /** `stdout` (ours): stream the export instead of writing a file and printing its name. */
  | { op: 'export'; paths: string[]; stdout?: boolean }
  | { op: 'print-invalid' | 'realise' | 'query-requisites' | 'print-missing-snapshots' | 'resolve-snapshots'; paths: string[] }
  /** `stdout` (ours): stream the snapshot folders (core/deploy/snapshot-stream.ts) instead of naming them. */
  | { op: 'export-snapshots'; paths: string[]; stdout?: boolean }
  | { op: 'set'; profile: string; path: string }
  | { op: 'query-installed'; profile: string }
  /** Ours, not Disnix's: what each installed service is doing now (core/deploy/service-status.ts). */
  | { op: 'query-status'; profile: string }
  | { op: 'collect-garbage'; deleteOld: boolean }
  | { op: ComponentActivity; type: string; container: string; arguments: ContainerArguments; path: string; command?: string }
  /** `owner` (ours, not Disnix's): who takes the lock, so a stale one can be told from a live one. */
  | { op: 'lock' | 'unlock'; profile: string; owner?: string; force?: boolean }
  | { op: 'query-all-snapshots' | 'query-latest-snapshot'; container: string; component: string }
  /** `paths`: snapshot folders on the machine running the client, each named by its id; `-` (ours): a snapshot stream on standard input. */
  | { op: 'import-snapshots'; container: string; component: string; paths: string[] }
  | { op: 'clean-snapshots'; keep: number; container?: string; component?: string }
  | { op: 'capture-config' };

export class ProtocolError extends Error {}

/** How our agent's last message begins when an operation failed; the rest says why. */
export const AGENT_ERROR = 'dnx agent: error: ';

const PATH_OPS = ['print-invalid', 'realise', 'query-requisites', 'print-missing-snapshots', 'resolve-snapshots'] as const;
const ACTIVITIES = ['activate', 'deactivate', 'snapshot', 'restore', 'delete-state', 'shell'] as const;
const SHORT: Record<string, string> = { '-r': '--realise', '-q': '--query-installed', '-p': '--profile', '-d': '--delete-old', '-t': '--target', '-C': '--container', '-c': '--component' };

/** The command line of `request`, as a Disnix client takes it (without `--target`). */
export function toArgv(req: Request): string[] {
  switch (req.op) {
    case 'import':
      return ['--import', '--localfile', req.file];
    case 'export':
      return ['--export', req.stdout ? '--stdout' : '--remotefile', ...req.paths];
    case 'export-snapshots':
      return ['--export-snapshots', ...(req.stdout ? ['--stdout'] : []), ...req.paths];
    case 'set':
      return ['--set', '--profile', req.profile, req.path];
    case 'query-installed':
    case 'query-status':
      return [`--${req.op}`, '--profile', req.profile];
    case 'collect-garbage':
      return ['--collect-garbage', ...(req.deleteOld ? ['--delete-old'] : [])];
    case 'lock':
    case 'unlock':
      return [`--${req.op}`, '--profile', req.profile, ...(req.owner !== undefined ? ['--owner', req.owner] : []), ...(req.force ? ['--force'] : [])];
    case 'query-all-snapshots':
    case 'query-latest-snapshot':
      return [`--${req.op}`, '--container', req.container, '--component', req.component];
    case 'import-snapshots':
      return ['--import-snapshots', '--localfile', '--container', req.container, '--component', req.component, ...req.paths];
    case 'clean-snapshots':
      return ['--clean-snapshots', '--keep', String(req.keep), ...(req.container ? ['--container', req.container] : []), ...(req.component ? ['--component', req.component] : [])];
    case 'capture-config':
      return ['--capture-config'];
    default:
      if ((PATH_OPS as readonly string[]).includes(req.op)) return [`--${req.op}`, ...(req as { paths: string[] }).paths];
      {
        const a = req as Extract<Request, { op: ComponentActivity }>;
        return [`--${a.op}`, '--type', a.type, '--container', a.container, ...a.arguments.flatMap(([k, v]) => ['--arguments', `${k}=${v}`]), ...(a.command !== undefined ? ['--command', a.command] : []), a.path];
      }
  }
}

/** Parses a client command line; `--target` is returned apart (local clients ignore it). */
export function parseArgv(argv: string[]): { request: Request; target?: string } {
  let op: string | undefined;
  const opts = new Map<string, string>();
  const args: ContainerArguments = [];
  const rest: string[] = [];
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline: string | undefined;
    if (a.startsWith('--') && a.includes('=')) [a, inline] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    a = SHORT[a] ?? a;
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new ProtocolError(`${a} needs a value`);
      return v;
    };
    if (['--profile', '--type', '--container', '--component', '--command', '--keep', '--target', '--owner'].includes(a)) {
      opts.set(a, value());
    } else if (a === '--arguments') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new ProtocolError(`--arguments needs KEY=VALUE, got '${kv}'`);
      args.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    } else if (['--delete-old', '--force', '--localfile', '--remotefile', '--stdout'].includes(a)) {
      flags.add(a);
    } else if (a.startsWith('--')) {
      if (op !== undefined) throw new ProtocolError(`two operations given: --${op} and ${a}`);
      op = a.slice(2);
    } else rest.push(a);
  }
  if (op === undefined) throw new ProtocolError('no operation given');
  const need = (flag: string) => {
    const v = opts.get(flag);
    if (v === undefined) throw new ProtocolError(`--${op} needs ${flag}`);
    return v;
  };
  const one = () => {
    if (rest.length !== 1) throw new ProtocolError(`--${op} takes one path, got ${rest.length}`);
    return rest[0];
  };
  const target = opts.get('--target');
  let request: Request;
  if ((PATH_OPS as readonly string[]).includes(op)) request = { op: op as (typeof PATH_OPS)[number], paths: rest };
  else if ((ACTIVITIES as readonly string[]).includes(op)) {
    const type = need('--type');
    request = { op: op as ComponentActivity, type, container: opts.get('--container') ?? type, arguments: args, path: one(), ...(opts.has('--command') ? { command: opts.get('--command') } : {}) };
  } else {
    switch (op) {
      case 'import':
        request = { op, file: one() };
        break;
      case 'export':
      case 'export-snapshots':
        request = { op, paths: rest, ...(flags.has('--stdout') ? { stdout: true } : {}) };
        break;
      case 'set':
        request = { op, profile: opts.get('--profile') ?? 'default', path: one() };
        break;
      case 'query-installed':
      case 'query-status':
        request = { op, profile: opts.get('--profile') ?? 'default' };
        break;
      case 'collect-garbage':
        request = { op, deleteOld: flags.has('--delete-old') };
        break;
      case 'lock':
      case 'unlock':
        request = { op, profile: opts.get('--profile') ?? 'default', ...(opts.has('--owner') ? { owner: opts.get('--owner') } : {}), ...(flags.has('--force') ? { force: true } : {}) };
        break;
      case 'query-all-snapshots':
      case 'query-latest-snapshot':
        request = { op, container: need('--container'), component: need('--component') };
        break;
      case 'import-snapshots':
        request = { op, container: need('--container'), component: need('--component'), paths: rest };
        break;
      case 'clean-snapshots': {
        const keep = Number(opts.get('--keep') ?? '1');
        if (!Number.isInteger(keep) || keep < 0) throw new ProtocolError(`--keep needs a number, got '${opts.get('--keep')}'`);
        request = { op, keep, ...(opts.has('--container') ? { container: opts.get('--container') } : {}), ...(opts.has('--component') ? { component: opts.get('--component') } : {}) };
        break;
      }
      case 'capture-config':
        request = { op };
        break;
      default:
        throw new ProtocolError(`unknown operation --${op}`);
    }
  }
  return target === undefined ? { request } : { request, target };
}

/**
 * Container properties as Disnix passes them to `--arguments`: lists joined by spaces, `true`
 * as `1`, `false` as the empty string, numbers as written; nested sets are left out.
 */
export function containerArguments(props: Record<string, unknown>): ContainerArguments {
  const text = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (v === true) return '1';
    if (v === false || v === null) return '';
    if (Array.isArray(v)) return v.map(text).filter((x) => x !== undefined).join(' ');
    return undefined;
  };
  const out: ContainerArguments = [];
  for (const k of Object.keys(props).sort()) {
    const t = text(props[k]);
    if (t !== undefined) out.push([k, t]);
  }
  return out;
}
