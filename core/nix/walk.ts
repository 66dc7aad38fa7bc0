// Visiting an AST: the editor features look for syntax (references, foldable blocks) in the
// files the evaluator has already parsed.

import type { Expr, StrPart } from './ast';

/** The direct sub-expressions of `e`, in source order where it matters to callers. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'string':
    case 'path':
      return e.parts.filter((p): p is Exclude<StrPart, string> => typeof p !== 'string').map((p) => p.expr);
    case 'select':
      return [e.expr, ...e.path.flatMap((k) => (k.kind === 'dynamic' ? [k.expr] : [])), ...(e.fallback ? [e.fallback] : [])];
    case 'hasattr':
      return [e.expr, ...e.path.flatMap((k) => (k.kind === 'dynamic' ? [k.expr] : []))];
    case 'attrs':
      return [...[...e.attrs.values()].map((d) => d.value), ...e.dynamic.flatMap((d) => [d.name, d.value])];
    case 'let':
      return [...[...e.attrs.values()].map((d) => d.value), e.body];
    case 'list':
      return e.items;
    case 'lambda':
      return [...(e.formals?.entries.flatMap((f) => (f.default ? [f.default] : [])) ?? []), e.body];
    case 'call':
      return [e.fn, ...e.args];
    case 'if':
      return [e.cond, e.then, e.else];
    case 'assert':
      return [e.cond, e.body];
    case 'with':
      return [e.env, e.body];
    case 'not':
    case 'neg':
      return [e.expr];
    case 'arith':
    case 'compare':
    case 'binop':
      return [e.left, e.right];
    default:
      return [];
  }
}

/** Calls `visit` on `e` and every expression below it, once each: `inherit (from) a b;` shares `from` between its attributes. */
export function walk(e: Expr, visit: (e: Expr) => void): void {
  const seen = new Set<Expr>();
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    visit(x);
    stack.push(...children(x));
  }
}

/** The set a model file is made of: its body under the function header, `let`, `with` and `assert`. */
export function topLevelSet(e: Expr): Extract<Expr, { kind: 'attrs' }> | undefined {
  for (;;) {
    if (e.kind === 'attrs') return e;
    if (e.kind === 'lambda' || e.kind === 'let' || e.kind === 'assert' || e.kind === 'with') e = e.body;
    else return undefined;
  }
}
