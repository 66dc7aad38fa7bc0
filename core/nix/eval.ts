// The lazy evaluator. A tree walker over the resolved AST: thunks are forced at most once,
// errors carry Nix's kind and location, and unknown values (things outside the workspace)
// spread instead of failing.

import { dirname, join } from 'node:path';
import type { Expr, ExprOf } from './ast';
import { installBuiltins, type Builtins } from './builtins';
import { EvalError } from './errors';
import { diskFiles, type NixFiles } from './files';
import { parseNix } from './lower';
import { sharedParseCache, type ParseCache, type ParsedFile } from './parse-cache';
import { bindVariables } from './scope';
import { canonPath } from './paths';
import { placeFrom, Source, type Loc } from './source';
import { StoreSources } from './store';
import { wrapInt } from './numbers';
import {
  ContextString, Env, Lambda, NixAttrs, NixPath, PartialPrimOp, PrimOp, Thunk, Unknown, UnknownSignal,
  compareStrings, isString, makeString, showType, stringOf, type Lazy, type Value,
} from './values';

export interface EvaluatorOptions {
  /** Search path entries, as in NIX_PATH: `nixpkgs=/path` or `/path`. */
  nixPath?: string[];
  /** Nested calls before "evaluation limit exceeded". */
  maxDepth?: number;
  /** Evaluation steps before "evaluation limit exceeded". */
  maxSteps?: number;
  /** List elements and string characters allocated before "evaluation limit exceeded". */
  maxAlloc?: number;
  currentSystem?: string;
  /** How files are read and looked at (the disk by default; the editor lays its unsaved documents over it). */
  files?: NixFiles;
  /**
   * The folders holding the models. A path outside them that is not on this machine (another
   * checkout a model takes as a default argument, say) is an unknown value when imported or
   * copied to the store, like `<nixpkgs>`; inside them a missing path stays an error.
   */
  modelFolders?: string[];
  /** Where `builtins.trace` writes (nowhere by default: the command line prints it on stderr, as Nix does). */
  onTrace?: (message: string) => void;
  /** Parsed files to reuse; the process-wide cache by default. */
  parseCache?: ParseCache;
}


const INT_MIN = -(2n ** 63n);

export function nixSystem(): string {
  const arch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch === 'ia32' ? 'i686' : process.arch;
  return `${arch}-${process.platform}`;
}

export class Evaluator {
  readonly builtins: Builtins;
  /** What this evaluation put in the (computed) store, for a deployment to make for real. */
  readonly storeSources = new StoreSources();
  /** Paths outside the models' folders that are not on this machine, where each was first met. */
  readonly absentPaths = new Map<string, Loc | undefined>();
  private readonly baseEnv: Env;
  private readonly fileCache = new Map<string, Thunk>();
  private depth = 0;
  private steps = 0;
  private allocated = 0;
  readonly maxDepth: number;
  readonly maxSteps: number;
  readonly maxAlloc: number;
  readonly currentSystem: string;
  readonly nixPath: { prefix: string; path: string }[];

  constructor(readonly options: EvaluatorOptions = {}) {
    this.maxDepth = options.maxDepth ?? 10000;
    this.maxSteps = options.maxSteps ?? 1e9;
    this.maxAlloc = options.maxAlloc ?? 2e8;
    this.currentSystem = options.currentSystem ?? nixSystem();
    this.nixPath = (options.nixPath ?? []).filter((e) => e !== '').map((entry) => {
      const eq = entry.indexOf('=');
      return eq === -1 ? { prefix: '', path: entry } : { prefix: entry.slice(0, eq), path: entry.slice(eq + 1) };
    });
    this.builtins = installBuiltins(this);
    this.baseEnv = new Env(null, this.builtins.globalValues);
  }

  // ----- entry points -----

  parse(source: Source): ParsedFile {
    return (this.options.parseCache ?? sharedParseCache).parse(source, this.builtins.globalSlots);
  }

  /** Evaluates a parsed expression to weak head normal form; syntax errors are thrown. */
  evalParsed(parsed: ParsedFile): Value {
    const firstError = parsed.diagnostics.find((d) => d.severity === 'error');
    if (firstError) {
      throw new EvalError(firstError.code === 'undefined-variable' ? 'undefined-variable' : 'syntax', firstError.message, firstError.loc);
    }
    return this.guard(() => this.eval(parsed.expr, this.baseEnv));
  }

  evalString(text: string, baseDir: string, name = '«string»'): Value {
    return this.evalParsed(this.parse(new Source(name, text, baseDir)));
  }

  /** Runs evaluation work, turning a JavaScript stack overflow into a located limit error. */
  guard<T>(work: () => T): T {
    const depth = this.depth;
    try {
      return work();
    } catch (e) {
      this.depth = depth;
      if (e instanceof UnknownSignal) return e.value as T;
      if (e instanceof RangeError) {
        throw new EvalError('limit', /string length|array length/i.test(e.message)
          ? 'evaluation limit exceeded: value too large'
          : 'evaluation limit exceeded: stack overflow (possible infinite recursion)');
      }
      throw e;
    }
  }

  // ----- files -----

  /** Every file the evaluation reads or looks at goes through here. */
  get files(): NixFiles {
    return this.options.files ?? diskFiles;
  }

  readText(path: string): string {
    return this.files.readText(path);
  }

  /** The unknown value standing for `path` when it is outside the models' folders and not on this machine. */
  absentElsewhere(path: string, loc: Loc | undefined): Unknown | undefined {
    const folders = this.options.modelFolders;
    if (!folders || folders.some((f) => path === f || path.startsWith(f.endsWith('/') ? f : `${f}/`))) return undefined;
    // The checkout itself may be missing, or only the file in it: the first missing ancestor is what to name.
    let missing = path;
    for (let up = dirname(missing); up !== missing && this.files.typeOf(up) === undefined; up = dirname(up)) missing = up;
    if (this.files.typeOf(missing) !== undefined) return undefined;
    if (!this.absentPaths.has(missing)) this.absentPaths.set(missing, loc);
    return new Unknown(`${missing} is not on this machine: what is built from it is not checked`, loc);
  }

  /** `"${path}"`: the store path it is copied to, or unknown for a checkout not on this machine. */
  copyToStore(path: string, loc: Loc | undefined): string {
    const absent = this.absentElsewhere(path, loc);
    if (absent) throw new UnknownSignal(absent);
    return this.storeSources.copyPath(path, loc);
  }

  /**
   * `scopedImport attrs path`: the file evaluated with `attrs` in scope before the builtins (a
   * name it binds itself still wins). Its free names resolve differently from a plain import's,
   * so it is parsed on its own, not through the parse cache.
   */
  scopedImport(scope: NixAttrs, path: string, loc: Loc | undefined): Value {
    const requested = canonPath(path);
    const absent = this.absentElsewhere(requested, loc);
    if (absent) return absent;
    const source = this.importSource(this.importTarget(requested), loc);
    const names = [...new Set([...this.builtins.globalSlots.keys(), ...scope.sortedNames()])];
    const slots = new Map(names.map((n, i) => [n, i]));
    const values = names.map((n) => scope.get(n) ?? this.builtins.globalValues[this.builtins.globalSlots.get(n)!]);
    const { expr, diagnostics } = parseNix(source);
    bindVariables(expr, slots, diagnostics);
    const first = diagnostics.find((d) => d.severity === 'error');
    if (first) throw new EvalError(first.code === 'undefined-variable' ? 'undefined-variable' : 'syntax', first.message, first.loc);
    return this.eval(expr, new Env(null, values));
  }

  /** `import path`: parsed and evaluated once per file. */
  importFile(path: string, loc: Loc | undefined): Lazy {
    const requested = canonPath(path);
    const hit = this.fileCache.get(requested);
    if (hit) return hit;
    const absent = this.absentElsewhere(requested, loc);
    if (absent) return absent;
    const file = this.importTarget(requested);
    const cached = this.fileCache.get(file);
    if (cached) {
      this.fileCache.set(requested, cached);
      return cached;
    }
    const source = this.importSource(file, loc);
    const thunk = new Thunk(null, null, () => this.evalParsed(this.parse(source)));
    this.fileCache.set(file, thunk);
    this.fileCache.set(requested, thunk);
    return thunk;
  }

  /** The file importing `path` reads: a directory's `default.nix`. */
  private importTarget(path: string): string {
    return this.files.typeOf(path) === 'directory' ? join(path, 'default.nix') : path;
  }

  /** The imported file's text; a missing or unreadable file is an error located at the import. */
  private importSource(file: string, loc: Loc | undefined): Source {
    let text: string;
    try {
      text = this.readText(file);
    } catch (e) {
      throw new EvalError('io', `cannot import '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, loc);
    }
    return new Source(file, text, file.slice(0, file.lastIndexOf('/')) || '/');
  }

  /** Resolves `<name/rest>` against the search path; unknown when it is not there. */
  findFile(name: string, loc: Loc): Value {
    for (const { prefix, path } of this.nixPath) {
      let candidate: string | undefined;
      if (prefix === '') candidate = `${path}/${name}`;
      else if (name === prefix) candidate = path;
      else if (name.startsWith(prefix + '/')) candidate = path + name.slice(prefix.length);
      if (candidate === undefined) continue;
      if (this.files.typeOf(candidate) !== undefined) return new NixPath(canonPath(candidate));
    }
    return new Unknown(`file '${name}' was not found in the Nix search path (add it using $NIX_PATH or -I)`, loc);
  }

  // ----- forcing -----

  /** Evaluates `v` to weak head normal form; `at` is where it is accessed, for errors. */
  force(v: Lazy, at?: Loc): Value {
    if (!(v instanceof Thunk)) return v;
    if (v.value !== undefined) return v.value;
    if (v.forcing) throw new EvalError('infinite-recursion', 'infinite recursion encountered', at ?? v.expr?.loc);
    v.forcing = true;
    let result: Value;
    try {
      result = v.expr ? this.eval(v.expr, v.env!) : v.compute!();
    } catch (e) {
      // A computed value's error that knows no place of its own is located where it was read.
      if (e instanceof EvalError && !e.loc && at) e.loc = at;
      // An unknown value met where a concrete one was needed makes this whole value unknown.
      if (!(e instanceof UnknownSignal)) throw e;
      result = e.value;
    } finally {
      v.forcing = false;
    }
    v.value = result;
    v.env = null;
    v.compute = null;
    return result;
  }

  /** A value for `e` that is only computed when needed. */
  lazy(e: Expr, env: Env): Lazy {
    switch (e.kind) {
      case 'int':
      case 'float':
        return e.value;
      case 'var':
        if (e.ref.kind === 'lexical') {
          // Not yet filled while a `let` or `rec` set is being built.
          const slot = lexicalSlot(env, e.ref.level, e.ref.index);
          if (slot !== undefined) return slot;
        }
        return new Thunk(e, env);
      case 'lambda':
        return new Lambda(e, env);
      case 'string':
        if (e.parts.length === 1 && typeof e.parts[0] === 'string') return e.parts[0];
        return new Thunk(e, env);
      default:
        return new Thunk(e, env);
    }
  }

  lazyCall(fn: Lazy, args: Lazy[], loc: Loc): Thunk {
    return new Thunk(null, null, () => this.call(this.force(fn), args, loc));
  }

  // ----- the evaluator proper -----

  eval(e: Expr, env: Env): Value {
    if (++this.steps > this.maxSteps) {
      throw new EvalError('limit', `evaluation limit exceeded: more than ${this.maxSteps} steps`, e.loc);
    }
    switch (e.kind) {
      case 'int':
      case 'float':
        return e.value;
      case 'string':
        return this.evalString_(e, env);
      case 'path':
        return this.evalPath(e, env);
      case 'spath':
        return this.findFile(e.name, e.loc);
      case 'uri':
        return e.value;
      case 'var':
        return this.evalVar(e, env);
      case 'select':
        return this.evalSelect(e, env);
      case 'hasattr':
        return this.evalHasAttr(e, env);
      case 'attrs':
        return this.evalAttrs(e, env);
      case 'let': {
        const inner = this.recEnv(e.attrs, env);
        return this.eval(e.body, inner);
      }
      case 'list': {
        this.alloc(e.items.length, e.loc);
        return e.items.map((item) => this.lazy(item, env));
      }
      case 'lambda':
        return new Lambda(e, env);
      case 'call': {
        const fn = this.eval(e.fn, env);
        const args = e.args.map((a) => this.lazy(a, env));
        return this.call(fn, args, e.loc);
      }
      case 'if': {
        const c = this.eval(e.cond, env);
        if (c instanceof Unknown) return c;
        if (typeof c !== 'boolean') throw this.typeError(c, 'a Boolean', e.loc);
        return this.eval(c ? e.then : e.else, env);
      }
      case 'assert': {
        const c = this.eval(e.cond, env);
        if (c === false) {
          const text = e.cond.loc.source.text.slice(e.cond.loc.start, e.cond.loc.end);
          throw new EvalError('assertion', `assertion '${text}' failed`, e.loc);
        }
        if (c !== true && !(c instanceof Unknown)) throw this.typeError(c, 'a Boolean', e.loc);
        return this.eval(e.body, env);
      }
      case 'with':
        return this.eval(e.body, new Env(env, [], this.lazy(e.env, env)));
      case 'not': {
        const v = this.eval(e.expr, env);
        if (v instanceof Unknown) return v;
        if (typeof v !== 'boolean') throw this.typeError(v, 'a Boolean', e.loc);
        return !v;
      }
      case 'neg':
        return this.arith('-', 0n, this.eval(e.expr, env), e.loc);
      case 'arith':
        return this.arith(e.op, this.eval(e.left, env), this.eval(e.right, env), e.loc);
      case 'compare':
        return this.evalCompare(e, env);
      case 'binop':
        return this.evalBinop(e, env);
      case 'error':
        return new Unknown('syntax error', e.loc);
    }
  }

  private evalVar(e: ExprOf<'var'>, env: Env): Value {
    const ref = e.ref;
    if (ref.kind === 'lexical') return this.force(lexicalSlot(env, ref.level, ref.index), e.loc);
    if (ref.kind === 'with') {
      for (let w = env.nearestWith; w; w = w.up ? w.up.nearestWith : null) {
        const attrs = this.force(w.withAttrs!);
        if (attrs instanceof Unknown) return attrs;
        if (!(attrs instanceof NixAttrs)) throw this.typeError(attrs, 'a set', e.loc);
        const v = attrs.get(e.name);
        if (v !== undefined) return this.force(v, e.loc);
      }
    }
    throw new EvalError('undefined-variable', `undefined variable '${e.name}'`, e.loc);
  }

  attrName(key: ExprOf<'select'>['path'][number], env: Env): string | Unknown {
    if (key.kind === 'static') return key.name;
    const v = this.eval(key.expr, env);
    if (v instanceof Unknown) return v;
    if (!isString(v)) throw this.typeError(v, 'a string', key.loc);
    return stringOf(v);
  }

  private evalSelect(e: ExprOf<'select'>, env: Env): Value {
    let v = this.eval(e.expr, env);
    for (const key of e.path) {
      const name = this.attrName(key, env);
      if (name instanceof Unknown) return name;
      if (v instanceof Unknown) return v;
      if (!(v instanceof NixAttrs)) {
        if (e.fallback) return this.eval(e.fallback, env);
        throw this.typeError(v, 'a set', e.loc);
      }
      const attr = v.get(name);
      if (attr === undefined) {
        if (e.fallback) return this.eval(e.fallback, env);
        throw new EvalError('missing-attribute', `attribute '${name}' missing`, e.loc, { missingAttribute: name });
      }
      v = this.force(attr, v.locOf(name) ?? e.loc);
    }
    return v;
  }

  private evalHasAttr(e: ExprOf<'hasattr'>, env: Env): Value {
    let v = this.eval(e.expr, env);
    for (let i = 0; i < e.path.length; i++) {
      const name = this.attrName(e.path[i], env);
      if (v instanceof Unknown) return v;
      if (name instanceof Unknown) return name;
      if (!(v instanceof NixAttrs)) return false;
      const attr = v.get(name);
      if (attr === undefined) return false;
      if (i < e.path.length - 1) v = this.force(attr);
    }
    return true;
  }

  /** The environment of a `let` or `rec` set: every binding sees every other. */
  /**
   * `__overrides` in a recursive set, as Nix has it: each of its attributes replaces the set's
   * own, for the recursive references too, or is added.
   */
  private applyOverrides(e: ExprOf<'attrs'>, scope: Env, vals: Map<string, Lazy>): void {
    const names = [...e.attrs.keys()];
    const overrides = this.force(scope.vals[names.indexOf('__overrides')], e.attrs.get('__overrides')!.loc);
    if (!(overrides instanceof NixAttrs)) {
      if (overrides instanceof Unknown) return;
      throw this.typeError(overrides, 'a set', e.attrs.get('__overrides')!.loc);
    }
    for (const name of overrides.sortedNames()) {
      const v = overrides.get(name)!;
      const slot = names.indexOf(name);
      if (slot >= 0) {
        // A binding that is just this variable shares its slot's thunk (recEnv): it follows the override too.
        const old = scope.vals[slot];
        scope.vals.forEach((val, k) => {
          if (val === old) {
            scope.vals[k] = v;
            vals.set(names[k], v);
          }
        });
      }
      vals.set(name, v);
    }
  }

  private recEnv(attrs: Map<string, import('./ast').AttrDef>, env: Env): Env {
    const vals: Lazy[] = new Array(attrs.size);
    const inner = new Env(env, vals);
    let i = 0;
    for (const def of attrs.values()) {
      const scope = def.inherited ? env : inner;
      // A binding that is just another variable shares that variable's slot once it exists,
      // as in Nix (which decides where infinite recursion is reported).
      vals[i++] = this.lazy(def.value, scope);
    }
    return inner;
  }

  private evalAttrs(e: ExprOf<'attrs'>, env: Env): Value {
    const vals = new Map<string, Lazy>();
    const locs = new Map<string, Loc>();
    let scope = env;
    if (e.rec) {
      scope = this.recEnv(e.attrs, env);
      let i = 0;
      for (const [name, def] of e.attrs) {
        vals.set(name, scope.vals[i++]);
        locs.set(name, def.loc);
      }
      if (e.attrs.has('__overrides')) this.applyOverrides(e, scope, vals);
    } else {
      for (const [name, def] of e.attrs) {
        vals.set(name, this.lazy(def.value, env));
        locs.set(name, def.loc);
      }
    }
    for (const d of e.dynamic) {
      const nameV = this.eval(d.name, scope);
      if (nameV === null) continue;
      if (nameV instanceof Unknown) continue;
      if (!isString(nameV)) throw this.typeError(nameV, 'a string', d.loc);
      const name = stringOf(nameV);
      if (vals.has(name)) {
        const first = locs.get(name);
        throw new EvalError('other', `dynamic attribute '${name}' already defined at ${first ? placeFrom(first, d.loc) : 'another place'}`, first ?? d.loc);
      }
      vals.set(name, this.lazy(d.value, scope));
      locs.set(name, d.loc);
    }
    return new NixAttrs(vals, locs, e);
  }

  private evalString_(e: ExprOf<'string'>, env: Env): Value {
    const parts = e.parts;
    if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
    let s = '';
    let ctx: Set<string> | null = null;
    for (const p of parts) {
      if (typeof p === 'string') {
        s += p;
        continue;
      }
      const v = this.eval(p.expr, env);
      if (v instanceof Unknown) return v;
      ctx ??= new Set();
      s += this.coerceToString(v, ctx, p.loc, { copyToStore: true });
    }
    this.alloc(s.length, e.loc);
    return makeString(s, ctx);
  }

  private evalPath(e: ExprOf<'path'>, env: Env): Value {
    const parts = e.parts;
    if (parts.length === 1) return new NixPath(parts[0] as string);
    let s = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        s += p;
        continue;
      }
      const v = this.eval(p.expr, env);
      if (v instanceof Unknown) return v;
      const ctx = new Set<string>();
      s += this.coerceToString(v, ctx, p.loc, { copyToStore: false });
      if (ctx.size > 0) throw new EvalError('type', 'a string that refers to a store path cannot be appended to a path', e.loc);
    }
    return new NixPath(canonPath(s));
  }

  private evalCompare(e: ExprOf<'compare'>, env: Env): Value {
    const a = this.eval(e.left, env);
    const b = this.eval(e.right, env);
    switch (e.op) {
      case '<': return this.lessThan(a, b, e.loc);
      case '>': return this.lessThan(b, a, e.loc);
      case '<=': return not(this.lessThan(b, a, e.loc));
      case '>=': return not(this.lessThan(a, b, e.loc));
    }
  }

  private evalBinop(e: ExprOf<'binop'>, env: Env): Value {
    switch (e.op) {
      case '==': {
        const a = this.eval(e.left, env);
        const b = this.eval(e.right, env);
        return this.equals(a, b, e.loc);
      }
      case '!=':
        return not(this.equals(this.eval(e.left, env), this.eval(e.right, env), e.loc));
      case '&&': {
        const a = this.forceBoolOrUnknown(this.eval(e.left, env), e.left.loc);
        if (a === false) return false;
        const b = this.forceBoolOrUnknown(this.eval(e.right, env), e.right.loc);
        return a instanceof Unknown ? (b === false ? false : a) : b;
      }
      case '||': {
        const a = this.forceBoolOrUnknown(this.eval(e.left, env), e.left.loc);
        if (a === true) return true;
        const b = this.forceBoolOrUnknown(this.eval(e.right, env), e.right.loc);
        return a instanceof Unknown ? (b === true ? true : a) : b;
      }
      case '->': {
        const a = this.forceBoolOrUnknown(this.eval(e.left, env), e.left.loc);
        if (a === false) return true;
        const b = this.forceBoolOrUnknown(this.eval(e.right, env), e.right.loc);
        return a instanceof Unknown ? (b === true ? true : a) : b;
      }
      case '//': {
        const a = this.eval(e.left, env);
        const b = this.eval(e.right, env);
        if (a instanceof Unknown) return a;
        if (b instanceof Unknown) return b;
        if (!(a instanceof NixAttrs)) throw this.typeError(a, 'a set', e.loc);
        if (!(b instanceof NixAttrs)) throw this.typeError(b, 'a set', e.loc);
        return updateAttrs(a, b);
      }
      case '++': {
        const a = this.eval(e.left, env);
        const b = this.eval(e.right, env);
        if (a instanceof Unknown) return a;
        if (b instanceof Unknown) return b;
        if (!Array.isArray(a)) throw this.typeError(a, 'a list', e.loc);
        if (!Array.isArray(b)) throw this.typeError(b, 'a list', e.loc);
        this.alloc(a.length + b.length, e.loc);
        return a.length === 0 ? b : b.length === 0 ? a : a.concat(b);
      }
      case '+':
        return this.add(this.eval(e.left, env), this.eval(e.right, env), e.left.loc, e.right.loc);
    }
  }

  /** `+`: numbers add, a path on the left gives a path, anything else concatenates strings. */
  add(a: Value, b: Value, aLoc: Loc, bLoc: Loc): Value {
    if (a instanceof Unknown) return a;
    if (b instanceof Unknown) return b;
    if (typeof a === 'bigint') {
      if (typeof b === 'bigint') return wrapInt(a + b);
      if (typeof b === 'number') return Number(a) + b;
      throw new EvalError('type', `cannot add ${showType(b)} to an integer`, bLoc);
    }
    if (typeof a === 'number') {
      if (typeof b === 'bigint') return a + Number(b);
      if (typeof b === 'number') return a + b;
      throw new EvalError('type', `cannot add ${showType(b)} to a float`, bLoc);
    }
    const ctx = new Set<string>();
    if (a instanceof NixPath) {
      const s = a.path + this.coerceToString(b, ctx, bLoc, { copyToStore: false });
      if (ctx.size > 0) throw new EvalError('type', 'a string that refers to a store path cannot be appended to a path', aLoc);
      return new NixPath(canonPath(s));
    }
    const s = this.coerceToString(a, ctx, aLoc, { copyToStore: true }) + this.coerceToString(b, ctx, bLoc, { copyToStore: true });
    this.alloc(s.length, aLoc);
    return makeString(s, ctx);
  }

  arith(op: '-' | '*' | '/', a: Value, b: Value, loc: Loc): Value {
    if (a instanceof Unknown) return a;
    if (b instanceof Unknown) return b;
    if (typeof a === 'number' || typeof b === 'number') {
      const x = this.forceFloat(a, loc);
      const y = this.forceFloat(b, loc);
      if (op === '-') return x - y;
      if (op === '*') return x * y;
      if (y === 0) throw new EvalError('division-by-zero', 'division by zero', loc);
      return x / y;
    }
    if (typeof a !== 'bigint') throw this.typeError(a, 'an integer', loc);
    if (typeof b !== 'bigint') throw this.typeError(b, 'an integer', loc);
    if (op === '-') return wrapInt(a - b);
    if (op === '*') return wrapInt(a * b);
    if (b === 0n) throw new EvalError('division-by-zero', 'division by zero', loc);
    // Nix's INT_MIN / -1 overflows; keep it from trapping and wrap like two's complement.
    if (a === INT_MIN && b === -1n) return INT_MIN;
    return a / b;
  }

  forceFloat(v: Value, loc: Loc): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw this.typeError(v, 'a float', loc);
  }

  private forceBoolOrUnknown(v: Value, loc: Loc): boolean | Unknown {
    if (typeof v === 'boolean' || v instanceof Unknown) return v;
    throw this.typeError(v, 'a Boolean', loc);
  }

  typeError(v: Value, expected: string, loc: Loc | undefined): EvalError {
    return new EvalError('type', `value is ${showType(v)} while ${expected} was expected`, loc);
  }

  lessThan(a: Value, b: Value, loc: Loc): Value {
    if (a instanceof Unknown) return a;
    if (b instanceof Unknown) return b;
    if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
      return typeof a === typeof b ? a < b : Number(a) < Number(b);
    }
    if (isString(a) && isString(b)) return compareStrings(stringOf(a), stringOf(b)) < 0;
    if (a instanceof NixPath && b instanceof NixPath) return compareStrings(a.path, b.path) < 0;
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; ; i++) {
        if (i === b.length) return false;
        if (i === a.length) return true;
        const x = this.force(a[i]);
        const y = this.force(b[i]);
        const eq = this.equals(x, y, loc);
        if (eq instanceof Unknown) return eq;
        if (!eq) return this.lessThan(x, y, loc);
      }
    }
    throw new EvalError('type', `cannot compare ${showType(a)} with ${showType(b)}`, loc);
  }

  /** Nix's deep equality; derivations compare by `outPath`, functions never equal. */
  equals(a: Value, b: Value, loc: Loc): boolean | Unknown {
    if (a instanceof Unknown) return a;
    if (b instanceof Unknown) return b;
    if (typeof a === 'bigint') return typeof b === 'bigint' ? a === b : typeof b === 'number' ? Number(a) === b : false;
    if (typeof a === 'number') return typeof b === 'number' || typeof b === 'bigint' ? a === Number(b) : false;
    if (isString(a)) return isString(b) && stringOf(a) === stringOf(b);
    if (typeof a === 'boolean' || a === null) return a === b;
    if (a instanceof NixPath) return b instanceof NixPath && a.path === b.path;
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        const eq = this.equals(this.force(a[i]), this.force(b[i]), loc);
        if (eq !== true) return eq;
      }
      return true;
    }
    if (a instanceof NixAttrs) {
      if (!(b instanceof NixAttrs)) return false;
      if (this.isDerivation(a) && this.isDerivation(b)) {
        const ao = a.get('outPath');
        const bo = b.get('outPath');
        if (ao !== undefined && bo !== undefined) return this.equals(this.force(ao), this.force(bo), loc);
      }
      if (a.size !== b.size) return false;
      for (const name of a.sortedNames()) {
        const bv = b.get(name);
        if (bv === undefined) return false;
        const av = a.get(name)!;
        if (av === bv) continue;
        const eq = this.equals(this.force(av), this.force(bv), loc);
        if (eq !== true) return eq;
      }
      return true;
    }
    return false;
  }

  isDerivation(v: Value): boolean {
    if (!(v instanceof NixAttrs)) return false;
    const t = v.get('type');
    if (t === undefined) return false;
    const tv = this.force(t);
    return isString(tv) && stringOf(tv) === 'derivation';
  }

  // ----- calls -----

  call(fn: Value, args: Lazy[], loc: Loc | undefined): Value {
    let f = fn;
    let i = 0;
    while (i < args.length) {
      if (f instanceof Lambda) {
        f = this.applyLambda(f, args[i++], loc);
      } else if (f instanceof PrimOp || f instanceof PartialPrimOp) {
        const op = f instanceof PrimOp ? f : f.op;
        const have = f instanceof PrimOp ? [] : f.args;
        const need = op.arity - have.length;
        if (args.length - i < need) {
          return new PartialPrimOp(op, have.concat(args.slice(i)));
        }
        const all = have.length ? have.concat(args.slice(i, i + need)) : args.slice(i, i + need);
        i += need;
        f = this.enter(loc, () => op.fn(all, loc!));
      } else if (f instanceof NixAttrs && f.has('__functor')) {
        const functor = this.force(f.get('__functor')!);
        f = this.call(functor, [f, args[i++]], loc);
      } else if (f instanceof Unknown) {
        return f;
      } else {
        throw new EvalError('type', `attempt to call something which is not a function but ${showType(f)}`, loc);
      }
    }
    return f;
  }

  private enter<T>(loc: Loc | undefined, work: () => T): T {
    if (++this.depth > this.maxDepth) {
      this.depth = 0;
      throw new EvalError('limit', `evaluation limit exceeded: more than ${this.maxDepth} nested calls (possible infinite recursion)`, loc);
    }
    try {
      return work();
    } finally {
      this.depth--;
    }
  }

  private applyLambda(l: Lambda, arg: Lazy, loc: Loc | undefined): Value {
    const e = l.expr;
    if (!e.formals) return this.enter(loc, () => this.eval(e.body, new Env(l.env, [arg])));
    const vals: Lazy[] = [];
    const env = new Env(l.env, vals);
    if (e.arg !== undefined) vals.push(arg);
    const a = this.force(arg);
    if (a instanceof Unknown) {
      for (let k = 0; k < e.formals.entries.length; k++) vals.push(a);
    } else {
      if (!(a instanceof NixAttrs)) throw this.typeError(a, 'a set', loc);
      let used = 0;
      for (const f of e.formals.entries) {
        const v = a.get(f.name);
        if (v !== undefined) {
          vals.push(v);
          used++;
        } else if (f.default) {
          vals.push(new Thunk(f.default, env));
        } else {
          throw new EvalError('bad-call', `function anonymous lambda called without required argument '${f.name}'`, loc ?? e.loc);
        }
      }
      if (!e.formals.ellipsis && used < a.size) {
        const known = new Set(e.formals.entries.map((f) => f.name));
        const extra = a.sortedNames().find((n) => !known.has(n));
        throw new EvalError('bad-call', `function anonymous lambda called with unexpected argument '${extra}'`, loc ?? e.loc);
      }
    }
    return this.enter(loc, () => this.eval(e.body, env));
  }

  // ----- coercion -----

  /**
   * Nix's coerceToString. `coerceMore` (toString) also accepts numbers, Booleans, null and
   * lists; `copyToStore` turns paths into store paths (interpolation) instead of plain text.
   */
  coerceToString(v: Value, ctx: Set<string>, loc: Loc | undefined, opts: { coerceMore?: boolean; copyToStore?: boolean }): string {
    if (typeof v === 'string') return v;
    if (v instanceof ContextString) {
      for (const c of v.context) ctx.add(c);
      return v.s;
    }
    if (v instanceof NixPath) {
      if (!opts.copyToStore) return v.path;
      const storePath = this.copyToStore(v.path, loc);
      ctx.add(storePath);
      return storePath;
    }
    if (v instanceof NixAttrs) {
      const toStr = v.get('__toString');
      if (toStr !== undefined) {
        const r = this.call(this.force(toStr), [v], loc);
        return this.coerceToString(r, ctx, loc, opts);
      }
      const out = v.get('outPath');
      if (out !== undefined) return this.coerceToString(this.force(out), ctx, loc, opts);
      throw new EvalError('type', 'cannot coerce a set to a string', loc);
    }
    if (v instanceof Unknown) throw new UnknownSignal(v);
    if (opts.coerceMore) {
      if (v === true) return '1';
      if (v === false || v === null) return '';
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number') return formatFixed(v);
      if (Array.isArray(v)) {
        let out = '';
        for (let i = 0; i < v.length; i++) {
          const item = this.force(v[i]);
          out += this.coerceToString(item, ctx, loc, opts);
          if (i < v.length - 1 && !(Array.isArray(item) && item.length === 0)) out += ' ';
        }
        return out;
      }
    }
    throw new EvalError('type', `cannot coerce ${showType(v)} to a string`, loc);
  }

  /** Fully evaluates a value (for --strict, deepSeq, toJSON). */
  deepForce(v: Value, seen = new Set<object>()): Value {
    if (Array.isArray(v)) {
      if (seen.has(v)) return v;
      seen.add(v);
      for (const item of v) this.deepForce(this.force(item), seen);
    } else if (v instanceof NixAttrs) {
      if (seen.has(v)) return v;
      seen.add(v);
      for (const name of v.sortedNames()) this.deepForce(this.force(v.get(name)!), seen);
    }
    return v;
  }

  /** Counts large allocations against the memory limit; small ones are ordinary churn. */
  alloc(n: number, loc: Loc): void {
    if (n < 64) return;
    this.allocated += n;
    if (this.allocated > this.maxAlloc) {
      throw new EvalError('limit', `evaluation limit exceeded: more than ${this.maxAlloc} list elements and string characters allocated`, loc);
    }
  }
}

function lexicalSlot(env: Env, level: number, index: number): Lazy {
  let en = env;
  for (let l = level; l > 0; l--) en = en.up!;
  return en.vals[index];
}

function not(v: Value): Value {
  return v instanceof Unknown ? v : !v;
}

export function updateAttrs(a: NixAttrs, b: NixAttrs): NixAttrs {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const vals = new Map(a.vals);
  for (const [k, v] of b.vals) vals.set(k, v);
  let locs: Map<string, Loc> | null = null;
  if (a.locs || b.locs) {
    locs = new Map(a.locs ?? []);
    for (const [k, l] of b.locs ?? []) locs.set(k, l);
  }
  return new NixAttrs(vals, locs);
}

/** C's `%f`, which `toString` uses for floats. */
export function formatFixed(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? (Object.is(x, NaN) ? 'nan' : '-nan') : x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const body = ax >= 1e21 ? BigInt(ax).toString() + '.000000' : ax.toFixed(6);
  return (neg ? '-' : '') + body;
}

