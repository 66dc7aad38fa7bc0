// Runtime values. Nix integers are JavaScript bigints (64-bit, wrapping like Nix), floats are
// numbers, strings without context are plain strings; everything else is a small class.

import type { Expr, ExprOf } from './ast';
import type { Loc } from './source';

export type Value =
  | bigint
  | number
  | string
  | boolean
  | null
  | ContextString
  | NixPath
  | Lazy[]
  | NixAttrs
  | Lambda
  | PrimOp
  | PartialPrimOp
  | Unknown;

/** A value or a suspended computation of one. */
export type Lazy = Value | Thunk;

/** An environment: the slots of one scope, and the scope it is nested in. */
export class Env {
  /** The innermost enclosing `with` (this env itself if it is one). */
  readonly nearestWith: Env | null;
  constructor(
    readonly up: Env | null,
    readonly vals: Lazy[],
    /** Set for the environment a `with` opens: the attribute set it brings into scope. */
    readonly withAttrs: Lazy | null = null,
  ) {
    this.nearestWith = withAttrs !== null ? this : up ? up.nearestWith : null;
  }
}

export class Thunk {
  value: Value | undefined = undefined;
  forcing = false;
  constructor(
    public expr: Expr | null,
    public env: Env | null,
    public compute: (() => Value) | null = null,
  ) {}
}

export class ContextString {
  constructor(
    readonly s: string,
    /** Store paths the string refers to: plain paths, `=drvPath` (whole closure), `!out!drvPath`. */
    readonly context: ReadonlySet<string>,
  ) {}
}

export class NixPath {
  constructor(readonly path: string) {}
}

export class NixAttrs {
  private sortedCache: string[] | undefined;
  constructor(
    readonly vals: Map<string, Lazy>,
    /** Where each attribute was defined, where known. */
    readonly locs: Map<string, Loc> | null = null,
    /** The expression a literal set was made from: where its keys and values were written. */
    readonly literal?: ExprOf<'attrs'>,
  ) {}

  get(name: string): Lazy | undefined {
    return this.vals.get(name);
  }

  has(name: string): boolean {
    return this.vals.has(name);
  }

  get size(): number {
    return this.vals.size;
  }

  /** Attribute names in Nix's order (sorted), cached. */
  sortedNames(): string[] {
    return (this.sortedCache ??= [...this.vals.keys()].sort(compareStrings));
  }

  locOf(name: string): Loc | undefined {
    return this.locs?.get(name);
  }

  static readonly empty = new NixAttrs(new Map());
}

export class Lambda {
  constructor(
    readonly expr: ExprOf<'lambda'>,
    readonly env: Env,
  ) {}
}

export class PrimOp {
  constructor(
    readonly name: string,
    readonly arity: number,
    readonly fn: (args: Lazy[], loc: Loc) => Value,
  ) {}
}

export class PartialPrimOp {
  constructor(
    readonly op: PrimOp,
    readonly args: Lazy[],
  ) {}
}

/**
 * A value that cannot be known without things outside the workspace (a search path that is
 * not set, a file that is missing, a store path that needs a build). It spreads through every
 * operation instead of raising an error, so the editor reports nothing false.
 */
export class Unknown {
  constructor(
    readonly reason: string,
    readonly loc?: Loc,
  ) {}
}

/** Nix orders strings by bytes of UTF-8; for the BMP that is the order of code units. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isString(v: Value): v is string | ContextString {
  return typeof v === 'string' || v instanceof ContextString;
}

export function stringOf(v: string | ContextString): string {
  return typeof v === 'string' ? v : v.s;
}

export function contextOf(v: string | ContextString): ReadonlySet<string> | undefined {
  return typeof v === 'string' ? undefined : v.context;
}

export function makeString(s: string, context?: ReadonlySet<string> | null): string | ContextString {
  return context && context.size > 0 ? new ContextString(s, context) : s;
}

/** The type names of `builtins.typeOf`. */
export function typeOf(v: Value): string {
  switch (typeof v) {
    case 'bigint': return 'int';
    case 'number': return 'float';
    case 'string': return 'string';
    case 'boolean': return 'bool';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (v instanceof ContextString) return 'string';
  if (v instanceof NixPath) return 'path';
  if (v instanceof NixAttrs) return 'set';
  if (v instanceof Unknown) return 'unknown';
  return 'lambda';
}

/** How Nix names a value's type in error messages ("a string", "an integer"). */
export function showType(v: Value): string {
  switch (typeof v) {
    case 'bigint': return 'an integer';
    case 'number': return 'a float';
    case 'string': return 'a string';
    case 'boolean': return 'a Boolean';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof ContextString) return 'a string';
  if (v instanceof NixPath) return 'a path';
  if (v instanceof NixAttrs) return 'a set';
  if (v instanceof PrimOp) return `the built-in function '${v.name}'`;
  if (v instanceof PartialPrimOp) return `the partially applied built-in function '${v.op.name}'`;
  if (v instanceof Unknown) return 'an unknown value';
  return 'a function';
}

export function isFunction(v: Value): v is Lambda | PrimOp | PartialPrimOp {
  return v instanceof Lambda || v instanceof PrimOp || v instanceof PartialPrimOp;
}

/** Raised inside coercions when an unknown value turns up; callers turn it into that value. */
export class UnknownSignal {
  constructor(readonly value: Unknown) {}
}
