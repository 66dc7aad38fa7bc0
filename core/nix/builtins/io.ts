import { createHash } from 'node:crypto';
import { EvalError } from '../errors';
import { baseNameOf, canonPath, dirOf } from '../paths';
import { checkStoreName, makeTextPath, sha256, toNixBase32 } from '../store';
import { NixAttrs, NixPath, Unknown, UnknownSignal, makeString, type Lazy } from '../values';
import { coerceToPath, forceString, forceStringNoContext, forceStringText, known, type Define } from './helpers';

export function registerIo(define: Define): void {
  define('import', 1, (ev, [p], loc) => ev.force(ev.importFile(coerceToPath(ev, p, loc), loc)), { global: true });
  define('scopedImport', 2, (ev, [scope, p], loc) => {
    const set = known(ev, scope);
    if (!(set instanceof NixAttrs)) throw ev.typeError(set, 'a set', loc);
    return ev.scopedImport(set, coerceToPath(ev, p, loc), loc);
  }, { global: true });

  define('readFile', 1, (ev, [p], loc) => {
    const path = coerceToPath(ev, p, loc);
    try {
      return ev.readText(path);
    } catch {
      // Secrets and generated files are often absent where models are edited.
      throw new UnknownSignal(new Unknown(`opening file '${path}': No such file or directory`, loc));
    }
  });

  define('hashFile', 2, (ev, [algo, p], loc) => {
    const a = forceStringText(ev, algo, loc);
    if (!['md5', 'sha1', 'sha256', 'sha512'].includes(a)) throw new EvalError('other', `unknown hash algorithm '${a}'`, loc);
    const path = coerceToPath(ev, p, loc);
    let text: string;
    try {
      text = ev.readText(path);
    } catch {
      throw new UnknownSignal(new Unknown(`opening file '${path}': No such file or directory`, loc));
    }
    return createHash(a).update(text).digest('hex');
  });

  define('pathExists', 1, (ev, [p], loc) => ev.files.typeOf(coerceToPath(ev, p, loc)) !== undefined);

  define('readDir', 1, (ev, [p], loc) => {
    const path = coerceToPath(ev, p, loc);
    let entries: [string, string][];
    try {
      entries = ev.files.readDir(path);
    } catch {
      throw new UnknownSignal(new Unknown(`reading directory '${path}' failed`, loc));
    }
    return new NixAttrs(new Map<string, Lazy>(entries));
  });

  define('getEnv', 1, (ev, [n], loc) => process.env[forceStringText(ev, n, loc)] ?? '');

  define('toFile', 2, (ev, [n, s], loc) => {
    const name = forceStringNoContext(ev, n, loc);
    checkStoreName(name, loc);
    const content = forceString(ev, s, loc);
    const refs = typeof content === 'string' ? [] : [...content.context];
    if (refs.some((r) => r.startsWith('=') || r.startsWith('!'))) {
      throw new EvalError('other', `in 'toFile': the file '${name}' cannot refer to derivation outputs`, loc);
    }
    const text = typeof content === 'string' ? content : content.s;
    const path = makeTextPath(name, text, refs);
    ev.storeSources.recordText(path, text, refs);
    return makeString(path, new Set([path]));
  });

  define('toPath', 1, (ev, [p], loc) => {
    const ctx = new Set<string>();
    const s = ev.coerceToString(known(ev, p), ctx, loc, { copyToStore: false });
    if (!s.startsWith('/')) throw new EvalError('type', `string '${s}' doesn't represent an absolute path`, loc);
    return makeString(canonPath(s), ctx);
  });

  define('baseNameOf', 1, (ev, [p], loc) => {
    const ctx = new Set<string>();
    const s = ev.coerceToString(known(ev, p), ctx, loc, { copyToStore: false });
    return makeString(baseNameOf(s), ctx);
  }, { global: true });

  define('dirOf', 1, (ev, [p], loc) => {
    const v = known(ev, p);
    if (v instanceof NixPath) return new NixPath(dirOf(v.path));
    const ctx = new Set<string>();
    const s = ev.coerceToString(v, ctx, loc, { copyToStore: false });
    return makeString(dirOf(s), ctx);
  }, { global: true });

  define('placeholder', 1, (ev, [o], loc) => '/' + toNixBase32(sha256(`nix-output:${forceStringText(ev, o, loc)}`)), { global: true });

  // Fetchers need the network and a store; their results are unknown here.
  // builtins.path: the store path Nix would give `path` copied under `name`, only what `filter` keeps.
  define('path', 1, (ev, [a], loc) => {
    const args = known(ev, a);
    if (!(args instanceof NixAttrs)) throw ev.typeError(args, 'a set', loc);
    const pathArg = args.get('path');
    if (pathArg === undefined) throw new EvalError('other', "'path' required", loc);
    const path = coerceToPath(ev, pathArg, loc);
    const recursive = args.has('recursive') ? ev.force(args.get('recursive')!) : true;
    // A flat (non-recursive) copy is a fixed-output path of the file's own hash: not computed here.
    if (recursive !== true) throw new UnknownSignal(new Unknown('builtins.path with recursive = false needs a Nix store', loc));
    const absent = ev.absentElsewhere(path, loc);
    if (absent) throw new UnknownSignal(absent);
    const name = args.has('name') ? forceStringNoContext(ev, args.get('name')!, loc) : baseNameOf(path);
    const filter = args.get('filter');
    const keep = filter === undefined ? undefined : (p: string, type: string) => ev.force(ev.call(ev.force(filter), [p, type], loc)) === true;
    const storePath = ev.storeSources.addPath(path, name, keep, loc);
    return makeString(storePath, new Set([storePath]));
  });

  for (const name of ['fetchTarball', 'fetchGit', 'fetchurl', 'fetchMercurial', 'fetchTree', 'filterSource', 'storePath']) {
    define(name, 1, (_ev, _args, loc) => new Unknown(`builtins.${name} needs a Nix store`, loc), { global: ['fetchTarball', 'fetchGit', 'fetchMercurial', 'fetchTree'].includes(name) });
  }
}
