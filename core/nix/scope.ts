// Resolves every variable to an environment slot, as Nix does before evaluating. A name no
// lexical scope binds is looked up at run time in the enclosing `with`s (lexical bindings win,
// whatever the nesting); without any `with` it is an `undefined variable` error up front.

import type { AttrDef, Expr } from './ast';
import { typo } from '../near-miss';
import { diagnostic, type Diagnostic } from './diagnostic';

type Scope =
  | { kind: 'static'; names: Map<string, number>; parent?: Scope }
  | { kind: 'with'; parent?: Scope };

export function slotsOf(attrs: Map<string, AttrDef>): Map<string, number> {
  const names = new Map<string, number>();
  let i = 0;
  for (const name of attrs.keys()) names.set(name, i++);
  return names;
}

export function bindVariables(root: Expr, globals: Map<string, number>, diagnostics: Diagnostic[]): void {
  const base: Scope = { kind: 'static', names: globals };

  const visit = (e: Expr, scope: Scope): void => {
    switch (e.kind) {
      case 'int': case 'float': case 'spath': case 'uri': case 'error':
        return;
      case 'string': case 'path':
        for (const p of e.parts) if (typeof p !== 'string') visit(p.expr, scope);
        return;
      case 'var': {
        let level = 0;
        let sawWith = false;
        for (let s: Scope | undefined = scope; s; s = s.parent, level++) {
          if (s.kind === 'with') {
            sawWith = true;
            continue;
          }
          const index = s.names.get(e.name);
          if (index !== undefined) {
            e.ref = { kind: 'lexical', level, index };
            return;
          }
        }
        if (sawWith) {
          e.ref = { kind: 'with', level: 0 };
          return;
        }
        // The names in scope here, for the quick fix of a typo: `HeloService` for `HelloService`.
        const visible = function* () {
          for (let s: Scope | undefined = scope; s; s = s.parent) if (s.kind === 'static') yield* s.names.keys();
        };
        diagnostics.push(diagnostic('undefined-variable', `undefined variable '${e.name}'`, e.loc, undefined, typo(e.name, visible())));
        return;
      }
      case 'select':
        visit(e.expr, scope);
        for (const k of e.path) if (k.kind === 'dynamic') visit(k.expr, scope);
        if (e.fallback) visit(e.fallback, scope);
        return;
      case 'hasattr':
        visit(e.expr, scope);
        for (const k of e.path) if (k.kind === 'dynamic') visit(k.expr, scope);
        return;
      case 'attrs': {
        const inner: Scope = e.rec ? { kind: 'static', names: slotsOf(e.attrs), parent: scope } : scope;
        for (const def of e.attrs.values()) visit(def.value, def.inherited ? scope : inner);
        for (const d of e.dynamic) {
          visit(d.name, inner);
          visit(d.value, inner);
        }
        return;
      }
      case 'let': {
        const inner: Scope = { kind: 'static', names: slotsOf(e.attrs), parent: scope };
        for (const def of e.attrs.values()) visit(def.value, def.inherited ? scope : inner);
        visit(e.body, inner);
        return;
      }
      case 'list':
        for (const item of e.items) visit(item, scope);
        return;
      case 'lambda': {
        const names = new Map<string, number>();
        if (e.arg !== undefined) names.set(e.arg, 0);
        for (const f of e.formals?.entries ?? []) names.set(f.name, names.size);
        const inner: Scope = { kind: 'static', names, parent: scope };
        for (const f of e.formals?.entries ?? []) if (f.default) visit(f.default, inner);
        visit(e.body, inner);
        return;
      }
      case 'call':
        visit(e.fn, scope);
        for (const a of e.args) visit(a, scope);
        return;
      case 'if':
        visit(e.cond, scope);
        visit(e.then, scope);
        visit(e.else, scope);
        return;
      case 'assert':
        visit(e.cond, scope);
        visit(e.body, scope);
        return;
      case 'with':
        visit(e.env, scope);
        visit(e.body, { kind: 'with', parent: scope });
        return;
      case 'not': case 'neg':
        visit(e.expr, scope);
        return;
      case 'arith': case 'compare': case 'binop':
        visit(e.left, scope);
        visit(e.right, scope);
        return;
    }
  };
  visit(root, base);
}
