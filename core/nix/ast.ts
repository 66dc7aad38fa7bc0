// The compact AST the evaluator runs on. Lowered once per file version from the tree-sitter
// concrete syntax tree (lower.ts); variables are resolved to environment slots by scope.ts.

import type { Loc } from './source';

/** A literal piece of a string or path, or an interpolation `${...}` and where it is written. */
export type StrPart = string | Interpolation;

export interface Interpolation {
  expr: Expr;
  loc: Loc;
}

/** Where a variable lives once resolved: `level` environments up, slot `index`; or, for
 * names no lexical scope binds, a dynamic lookup through the enclosing `with`s. */
export type VarRef =
  | { kind: 'unresolved' }
  | { kind: 'lexical'; level: number; index: number }
  | { kind: 'with'; level: number };

export type AttrKey =
  | { kind: 'static'; name: string; loc: Loc }
  | { kind: 'dynamic'; expr: Expr; loc: Loc };

export interface AttrDef {
  value: Expr;
  /** Location of the attribute name, where errors about the attribute point. */
  loc: Loc;
  /** `inherit x;` in a recursive set or `let`: `x` is looked up outside the new scope. */
  inherited: boolean;
}

export interface DynamicAttrDef {
  name: Expr;
  value: Expr;
  loc: Loc;
}

export interface Formal {
  name: string;
  default?: Expr;
  loc: Loc;
}

export interface Formals {
  entries: Formal[];
  ellipsis: boolean;
}

export type ArithOp = '-' | '*' | '/';
export type CompareOp = '<' | '>' | '<=' | '>=';
export type LogicOp = '==' | '!=' | '&&' | '||' | '->' | '//' | '++' | '+';

export type Expr =
  | { kind: 'int'; loc: Loc; value: bigint }
  | { kind: 'float'; loc: Loc; value: number }
  | { kind: 'string'; loc: Loc; parts: StrPart[] }
  | { kind: 'path'; loc: Loc; parts: StrPart[] }
  | { kind: 'spath'; loc: Loc; name: string }
  | { kind: 'uri'; loc: Loc; value: string }
  | { kind: 'var'; loc: Loc; name: string; ref: VarRef }
  | { kind: 'select'; loc: Loc; expr: Expr; path: AttrKey[]; fallback?: Expr }
  | { kind: 'hasattr'; loc: Loc; expr: Expr; path: AttrKey[] }
  | { kind: 'attrs'; loc: Loc; rec: boolean; attrs: Map<string, AttrDef>; dynamic: DynamicAttrDef[] }
  | { kind: 'let'; loc: Loc; attrs: Map<string, AttrDef>; body: Expr }
  | { kind: 'list'; loc: Loc; items: Expr[] }
  | { kind: 'lambda'; loc: Loc; arg?: string; formals?: Formals; body: Expr }
  | { kind: 'call'; loc: Loc; fn: Expr; args: Expr[] }
  | { kind: 'if'; loc: Loc; cond: Expr; then: Expr; else: Expr }
  | { kind: 'assert'; loc: Loc; cond: Expr; body: Expr }
  | { kind: 'with'; loc: Loc; env: Expr; body: Expr }
  | { kind: 'not'; loc: Loc; expr: Expr }
  | { kind: 'neg'; loc: Loc; expr: Expr }
  | { kind: 'arith'; loc: Loc; op: ArithOp; left: Expr; right: Expr }
  | { kind: 'compare'; loc: Loc; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'binop'; loc: Loc; op: LogicOp; left: Expr; right: Expr }
  /** Stands in for a part of the tree that did not parse; evaluates to an unknown value. */
  | { kind: 'error'; loc: Loc };

export type ExprOf<K extends Expr['kind']> = Extract<Expr, { kind: K }>;
