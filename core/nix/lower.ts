// Lowers tree-sitter's concrete syntax tree into the AST (ast.ts), once per file version.
// Nested attribute paths are merged here (`a.b = 1; a.c = 2;`), as Nix's parser does, and
// syntax errors become located diagnostics; a broken subtree becomes an `error` node so the
// rest of the file can still be analysed.

import type { Node, Tree } from 'web-tree-sitter';
import type { AttrDef, AttrKey, DynamicAttrDef, Expr, Formal, Interpolation, StrPart } from './ast';
import { diagnostic, type Diagnostic } from './diagnostic';
import { canonPath, homeDir } from './paths';
import { parseTree, type PreviousParse } from './parser';
import { placeFrom, Source, type Loc } from './source';
import { decodeStringSegment, lexIndentedSegment, stripIndentation, type IndentToken } from './strings-lexer';
import { syntaxProblems, withUnclosedBrackets } from './syntax-errors';

/** Deeper nesting than this is reported instead of risking the JavaScript stack. */
export const MAX_NESTING = 2000;
const MAX_SYNTAX_ERRORS = 100;

export interface LowerResult {
  expr: Expr;
  diagnostics: Diagnostic[];
  /** The syntax tree, when asked to keep it (for the next, incremental parse); the caller deletes it. */
  tree?: Tree;
  /** What was lowered of that tree, for the next version to reuse (with `tree`). */
  lowered?: LoweredNodes;
}

/**
 * Large expressions lowered from a syntax tree, by tree-sitter's node id, with where each
 * started. A node an incremental parse reuses keeps its id and its text, so its lowering is
 * the same but for where it now starts: the next version shifts it instead of walking the
 * tree again (walking it through web-tree-sitter's API is most of what an edit to a large
 * model costs).
 */
export type LoweredNodes = Map<number, { expr: Expr; start: number }>;

export interface PreviousLowering extends PreviousParse {
  lowered?: LoweredNodes;
}

export function parseNix(source: Source, options: { timeoutMs?: number; previous?: PreviousLowering; keepTree?: boolean } = {}): LowerResult {
  const whole = { source, start: 0, end: Math.min(source.text.length, 1) };
  // Nix stops reading at a NUL byte; a file with one is binary, not a model.
  const nul = source.text.indexOf('\0');
  if (nul !== -1) {
    const loc = { source, start: nul, end: nul + 1 };
    return { expr: { kind: 'error', loc }, diagnostics: [syntaxError(loc, 'unexpected NUL byte: this is a binary file, not a Nix expression')] };
  }
  const tree = parseTree(source.text, options.timeoutMs, options.previous);
  if (!tree) {
    return { expr: { kind: 'error', loc: whole }, diagnostics: [syntaxError(whole, 'parsing was stopped: the file is too large or too broken to analyse in time')] };
  }
  try {
    const lowerer = new Lowerer(source, options.keepTree ? options.previous?.lowered : undefined);
    let expr: Expr;
    try {
      expr = lowerer.lowerRoot(tree.rootNode);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      const loc = { source, start: 0, end: 0 };
      lowerer.diagnostics.push(syntaxError(loc, `expression nested too deeply (more than ${MAX_NESTING} levels)`));
      expr = { kind: 'error', loc };
    }
    return { expr, diagnostics: lowerer.diagnostics, ...(options.keepTree ? { tree, lowered: lowerer.lowered } : {}) };
  } finally {
    if (!options.keepTree) tree.delete();
  }
}

function syntaxError(loc: Loc, message: string): Diagnostic {
  return diagnostic('syntax-error', message, loc);
}

const binaryKinds: Record<string, 'arith' | 'compare' | 'binop'> = {
  '-': 'arith', '*': 'arith', '/': 'arith',
  '<': 'compare', '>': 'compare', '<=': 'compare', '>=': 'compare',
  '==': 'binop', '!=': 'binop', '&&': 'binop', '||': 'binop', '->': 'binop', '//': 'binop', '++': 'binop', '+': 'binop',
};

/** Expressions worth keeping for the next version: the sets, functions and lets a model's entries are. */
const REUSABLE = new Set(['attrset_expression', 'rec_attrset_expression', 'let_expression', 'function_expression', 'apply_expression', 'list_expression']);
/** Only this near the top: deeper down, asking each node for its id costs more than it saves. */
const REUSE_DEPTH = 6;

class Lowerer {
  readonly diagnostics: Diagnostic[] = [];
  readonly lowered: LoweredNodes = new Map();
  private depth = 0;
  private reportedDepth = false;

  constructor(
    private readonly source: Source,
    private readonly reuse?: LoweredNodes,
  ) {}

  loc(node: Node | { startIndex: number; endIndex: number }): Loc {
    return { source: this.source, start: node.startIndex, end: node.endIndex };
  }

  text(node: Node): string {
    return this.source.text.slice(node.startIndex, node.endIndex);
  }

  error(node: Node, message: string): void {
    this.diagnostics.push(syntaxError(this.loc(node), message));
  }

  lowerRoot(root: Node): Expr {
    this.collectSyntaxErrors(root);
    let expr: Expr | undefined;
    for (const child of root.namedChildren) {
      if (!child || child.type === 'comment' || child.type === 'ERROR') continue;
      if (expr) {
        this.error(child, 'unexpected text after the expression');
        break;
      }
      expr = this.lower(child);
    }
    if (!expr) {
      if (this.diagnostics.length === 0) this.diagnostics.push(syntaxError(this.loc(root), 'the file contains no expression'));
      return { kind: 'error', loc: this.loc(root) };
    }
    return expr;
  }

  private collectSyntaxErrors(root: Node): void {
    if (!root.hasError) return;
    const reparse = (text: string) => {
      const tree = parseTree(text);
      if (!tree) return [];
      try {
        return syntaxProblems(tree.rootNode, text, MAX_SYNTAX_ERRORS);
      } finally {
        tree.delete();
      }
    };
    for (const p of withUnclosedBrackets(syntaxProblems(root, this.source.text, MAX_SYNTAX_ERRORS), this.source.text, reparse)) {
      const d = syntaxError({ source: this.source, start: p.start, end: p.end }, p.message);
      this.diagnostics.push(p.insertion ? { ...d, insertion: p.insertion } : d);
    }
  }

  field(node: Node, name: string): Node | null {
    return node.childForFieldName(name);
  }

  /** Lowers an optional child; a missing one was already reported as a syntax error. */
  sub(node: Node, name: string): Expr {
    const child = this.field(node, name);
    return child ? this.lower(child) : { kind: 'error', loc: this.loc(node) };
  }

  lower(node: Node): Expr {
    if (this.depth >= MAX_NESTING) {
      if (!this.reportedDepth) {
        this.reportedDepth = true;
        this.error(node, `expression nested too deeply (more than ${MAX_NESTING} levels)`);
      }
      return { kind: 'error', loc: this.loc(node) };
    }
    this.depth++;
    try {
      if (this.depth > REUSE_DEPTH || !REUSABLE.has(node.type)) return this.lowerNode(node);
      const id = node.id;
      const start = node.startIndex;
      const before = this.reuse?.get(id);
      if (before) {
        const expr = shiftedExpr(before.expr, start - before.start, this.source);
        this.lowered.set(id, { expr, start });
        return expr;
      }
      const reported = this.diagnostics.length;
      const expr = this.lowerNode(node);
      // What reported a problem is lowered again next time, so the problem is reported again.
      if (this.diagnostics.length === reported && !node.hasError) this.lowered.set(id, { expr, start });
      return expr;
    } finally {
      this.depth--;
    }
  }

  private lowerNode(node: Node): Expr {
    const loc = this.loc(node);
    if (node.isMissing || node.type === 'ERROR') return { kind: 'error', loc };
    switch (node.type) {
      case 'integer_expression': {
        const value = BigInt(this.text(node));
        if (value > 9223372036854775807n) {
          this.error(node, 'integer literal is too large (the largest is 9223372036854775807)');
          return { kind: 'error', loc };
        }
        return { kind: 'int', loc, value };
      }
      case 'float_expression':
        return { kind: 'float', loc, value: Number(this.text(node)) };
      case 'string_expression':
        return { kind: 'string', loc, parts: this.stringParts(node) };
      case 'indented_string_expression':
        return { kind: 'string', loc, parts: this.indentedStringParts(node) };
      case 'path_expression':
      case 'hpath_expression':
        return { kind: 'path', loc, parts: this.pathParts(node) };
      case 'spath_expression':
        return { kind: 'spath', loc, name: this.text(node).slice(1, -1) };
      case 'uri_expression':
        return { kind: 'string', loc, parts: [this.text(node)] };
      case 'variable_expression': {
        const name = this.text(node);
        // Nix's parser turns `__curPos` into the place it is written.
        if (name === '__curPos') return this.position(loc);
        return { kind: 'var', loc, name, ref: { kind: 'unresolved' } };
      }
      case 'parenthesized_expression':
        return this.sub(node, 'expression');
      case 'list_expression':
        return { kind: 'list', loc, items: node.namedChildren.filter(isExpression).map((c) => this.lower(c)) };
      case 'select_expression': {
        const path = this.attrPath(this.field(node, 'attrpath'));
        const def = this.field(node, 'default');
        return { kind: 'select', loc, expr: this.sub(node, 'expression'), path, fallback: def ? this.lower(def) : undefined };
      }
      case 'has_attr_expression':
        return { kind: 'hasattr', loc, expr: this.sub(node, 'expression'), path: this.attrPath(this.field(node, 'attrpath')) };
      case 'apply_expression':
        return this.apply(node);
      case 'unary_expression': {
        const op = node.child(0);
        const expr = this.sub(node, 'argument');
        return op && this.text(op) === '!' ? { kind: 'not', loc, expr } : { kind: 'neg', loc, expr };
      }
      case 'binary_expression':
        return this.binary(node);
      case 'if_expression':
        return { kind: 'if', loc, cond: this.sub(node, 'condition'), then: this.sub(node, 'consequence'), else: this.sub(node, 'alternative') };
      case 'assert_expression':
        return { kind: 'assert', loc, cond: this.sub(node, 'condition'), body: this.sub(node, 'body') };
      case 'with_expression':
        return { kind: 'with', loc, env: this.sub(node, 'environment'), body: this.sub(node, 'body') };
      case 'let_expression': {
        const { attrs } = this.bindings(node, true, 'let');
        return { kind: 'let', loc, attrs, body: this.sub(node, 'body') };
      }
      case 'let_attrset_expression': {
        // `let { a = 1; body = a; }` is `rec { ... }.body`.
        const { attrs } = this.bindings(node, true, 'let');
        const set: Expr = { kind: 'attrs', loc, rec: true, attrs, dynamic: [] };
        return { kind: 'select', loc, expr: set, path: [{ kind: 'static', name: 'body', loc }] };
      }
      case 'attrset_expression':
      case 'rec_attrset_expression': {
        const rec = node.type === 'rec_attrset_expression';
        const { attrs, dynamic } = this.bindings(node, rec, 'attrs');
        return { kind: 'attrs', loc, rec, attrs, dynamic };
      }
      case 'function_expression':
        return this.lambda(node);
      default:
        this.error(node, `unexpected ${node.type.replace(/_/g, ' ')}`);
        return { kind: 'error', loc };
    }
  }

  private apply(node: Node): Expr {
    // Flatten `f a b c` into one call, as Nix does.
    const args: Expr[] = [];
    let fn: Node = node;
    const argNodes: Node[] = [];
    while (fn.type === 'apply_expression') {
      const arg = this.field(fn, 'argument');
      if (arg) argNodes.push(arg);
      const f = this.field(fn, 'function');
      if (!f) return { kind: 'error', loc: this.loc(node) };
      fn = f;
    }
    for (let i = argNodes.length - 1; i >= 0; i--) args.push(this.lower(argNodes[i]));
    return { kind: 'call', loc: this.loc(node), fn: this.lower(fn), args };
  }

  private binary(node: Node): Expr {
    const loc = this.loc(node);
    const opNode = this.field(node, 'operator');
    const op = opNode ? this.text(opNode) : '';
    const left = this.sub(node, 'left');
    const right = this.sub(node, 'right');
    const kind = binaryKinds[op];
    if (kind === 'arith') return { kind, loc, op: op as '-' | '*' | '/', left, right };
    if (kind === 'compare') return { kind, loc, op: op as '<' | '>' | '<=' | '>=', left, right };
    if (kind === 'binop') return { kind, loc, op: op as '==', left, right };
    return { kind: 'error', loc };
  }

  /** `{ file; line; column; }` of `loc`, 1-based as Nix gives them. */
  private position(loc: Loc): Expr {
    const p = this.source.position(loc.start);
    const attr = (name: string, value: Expr): [string, AttrDef] => [name, { value, loc, inherited: false }];
    return {
      kind: 'attrs',
      loc,
      rec: false,
      attrs: new Map([attr('column', { kind: 'int', loc, value: BigInt(p.character + 1) }), attr('file', { kind: 'string', loc, parts: [this.source.path] }), attr('line', { kind: 'int', loc, value: BigInt(p.line + 1) })]),
      dynamic: [],
    };
  }

  private lambda(node: Node): Expr {
    const loc = this.loc(node);
    const universal = this.field(node, 'universal');
    const formalsNode = this.field(node, 'formals');
    const arg = universal ? this.text(universal) : undefined;
    let formals: { entries: Formal[]; ellipsis: boolean } | undefined;
    if (formalsNode) {
      const entries: Formal[] = [];
      const seen = new Set<string>();
      let ellipsis = false;
      for (const c of formalsNode.namedChildren) {
        if (!c) continue;
        if (c.type === 'ellipses') ellipsis = true;
        if (c.type !== 'formal') continue;
        const nameNode = this.field(c, 'name');
        if (!nameNode || nameNode.isMissing) continue;
        const name = this.text(nameNode);
        if (seen.has(name) || name === arg) {
          this.error(nameNode, `duplicate formal function argument '${name}'`);
          continue;
        }
        seen.add(name);
        const def = this.field(c, 'default');
        entries.push({ name, loc: this.loc(nameNode), default: def ? this.lower(def) : undefined });
      }
      formals = { entries, ellipsis };
    }
    return { kind: 'lambda', loc, arg, formals, body: this.sub(node, 'body') };
  }

  // ----- attribute sets and let -----

  attrPath(node: Node | null): AttrKey[] {
    if (!node) return [];
    const keys: AttrKey[] = [];
    for (const c of node.namedChildren) {
      if (!c || c.type === 'comment' || c.isMissing) continue;
      const key = this.attrKey(c);
      if (key) keys.push(key);
    }
    return keys;
  }

  private attrKey(c: Node): AttrKey | undefined {
    const loc = this.loc(c);
    if (c.type === 'identifier') return { kind: 'static', name: this.text(c), loc };
    if (c.type === 'string_expression' || c.type === 'indented_string_expression') {
      const parts = c.type === 'string_expression' ? this.stringParts(c) : this.indentedStringParts(c);
      if (parts.length === 0) return { kind: 'static', name: '', loc };
      if (parts.length === 1 && typeof parts[0] === 'string') return { kind: 'static', name: parts[0], loc };
      return { kind: 'dynamic', expr: { kind: 'string', loc, parts }, loc };
    }
    if (c.type === 'interpolation') {
      const expr = this.interpolated(c).expr;
      // Nix's parser takes `${"name"}` (a string without interpolations) as a static name.
      if (expr.kind === 'string' && expr.parts.every((p) => typeof p === 'string')) return { kind: 'static', name: expr.parts.join(''), loc };
      return { kind: 'dynamic', expr, loc };
    }
    return undefined;
  }

  private bindings(node: Node, rec: boolean, what: 'let' | 'attrs'): { attrs: Map<string, AttrDef>; dynamic: DynamicAttrDef[] } {
    const attrs = new Map<string, AttrDef>();
    const dynamic: DynamicAttrDef[] = [];
    const set = node.namedChildren.find((c) => c?.type === 'binding_set');
    for (const b of set?.namedChildren ?? []) {
      if (!b) continue;
      if (b.type === 'binding') {
        const path = this.attrPath(this.field(b, 'attrpath'));
        const value = this.sub(b, 'expression');
        if (path.length === 0) continue;
        if (what === 'let' && path[0].kind === 'dynamic') {
          this.diagnostics.push(syntaxError(path[0].loc, 'dynamic attributes are not allowed in let'));
          continue;
        }
        this.addAttr(attrs, dynamic, path, value, this.loc(b));
      } else if (b.type === 'inherit' || b.type === 'inherit_from') {
        const fromNode = b.type === 'inherit_from' ? this.field(b, 'expression') : null;
        const from = fromNode ? this.lower(fromNode) : undefined;
        for (const key of this.attrPath(this.field(b, 'attrs'))) {
          if (key.kind === 'dynamic') {
            this.diagnostics.push(syntaxError(key.loc, 'dynamic attributes are not allowed in inherit'));
            continue;
          }
          const value: Expr = from
            ? { kind: 'select', loc: key.loc, expr: from, path: [key] }
            : { kind: 'var', loc: key.loc, name: key.name, ref: { kind: 'unresolved' } };
          this.define(attrs, key.name, { value, loc: key.loc, inherited: !from && rec });
        }
      }
    }
    return { attrs, dynamic };
  }

  /** Adds one attribute; `at` is where a duplicate is reported (the start of its path). */
  private define(attrs: Map<string, AttrDef>, name: string, def: AttrDef, at: Loc = def.loc): void {
    const existing = attrs.get(name);
    if (existing) {
      this.diagnostics.push({
        ...syntaxError(at, `attribute '${name}' already defined at ${placeFrom(existing.loc, at)}`),
        related: [{ loc: existing.loc, message: `first definition of '${name}'` }],
      });
      return;
    }
    attrs.set(name, def);
  }

  /** Adds `a.b.c = value`, creating or extending nested attribute sets as Nix does. */
  private addAttr(attrs: Map<string, AttrDef>, dynamic: DynamicAttrDef[], path: AttrKey[], value: Expr, bindingLoc: Loc): void {
    let curAttrs = attrs;
    let curDynamic = dynamic;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      if (key.kind === 'dynamic') {
        const nested: Expr = { kind: 'attrs', loc: bindingLoc, rec: false, attrs: new Map(), dynamic: [] };
        curDynamic.push({ name: key.expr, value: nested, loc: key.loc });
        curAttrs = nested.attrs;
        curDynamic = nested.dynamic;
        continue;
      }
      const existing = curAttrs.get(key.name);
      if (existing) {
        if (existing.value.kind !== 'attrs' || existing.inherited) {
          this.define(curAttrs, key.name, { value, loc: key.loc, inherited: false }, path[0].loc);
          return;
        }
        curAttrs = existing.value.attrs;
        curDynamic = existing.value.dynamic;
      } else {
        const nested: Expr = { kind: 'attrs', loc: key.loc, rec: false, attrs: new Map(), dynamic: [] };
        curAttrs.set(key.name, { value: nested, loc: key.loc, inherited: false });
        curAttrs = nested.attrs;
        curDynamic = nested.dynamic;
      }
    }
    const last = path[path.length - 1];
    if (last.kind === 'dynamic') {
      curDynamic.push({ name: last.expr, value, loc: last.loc });
      return;
    }
    const existing = curAttrs.get(last.name);
    if (existing && value.kind === 'attrs' && existing.value.kind === 'attrs' && !existing.inherited) {
      // `a.b = 1; a = { c = 2; };` merges both into one set.
      for (const [name, def] of value.attrs) this.define(existing.value.attrs, name, def, path[0].loc);
      existing.value.dynamic.push(...value.dynamic);
      return;
    }
    this.define(curAttrs, last.name, { value, loc: last.loc, inherited: false }, path[0].loc);
  }

  // ----- strings and paths -----

  private interpolations(node: Node): Node[] {
    return node.namedChildren.filter((c): c is Node => c?.type === 'interpolation');
  }

  private interpolated(node: Node): Interpolation {
    const e = this.field(node, 'expression');
    const loc = this.loc(node);
    return { expr: e ? this.lower(e) : { kind: 'error', loc }, loc };
  }

  private stringParts(node: Node): StrPart[] {
    const text = this.source.text;
    const close = text[node.endIndex - 1] === '"' && node.endIndex - 1 > node.startIndex ? node.endIndex - 1 : node.endIndex;
    const parts: StrPart[] = [];
    let pos = node.startIndex + 1;
    for (const interp of this.interpolations(node)) {
      const seg = decodeStringSegment(text.slice(pos, interp.startIndex));
      if (seg) parts.push(seg);
      parts.push(this.interpolated(interp));
      pos = interp.endIndex;
    }
    const seg = decodeStringSegment(text.slice(pos, close));
    if (seg) parts.push(seg);
    return parts;
  }

  private indentedStringParts(node: Node): StrPart[] {
    const text = this.source.text;
    const close = text.startsWith("''", node.endIndex - 2) && node.endIndex - 2 > node.startIndex ? node.endIndex - 2 : node.endIndex;
    // The opening `''` swallows trailing spaces and one newline.
    let pos = node.startIndex + 2;
    const opener = /^ *(\r?\n)?/.exec(text.slice(pos, Math.min(close, pos + 200)));
    if (opener && opener[1]) pos += opener[0].length;
    const items: (IndentToken | { expr: Interpolation })[] = [];
    for (const interp of this.interpolations(node)) {
      lexIndentedSegment(text.slice(pos, interp.startIndex), items as IndentToken[]);
      items.push({ expr: this.interpolated(interp) });
      pos = interp.endIndex;
    }
    lexIndentedSegment(text.slice(pos, close), items as IndentToken[]);
    return stripIndentation(items).filter((p) => p !== '');
  }

  private pathParts(node: Node): StrPart[] {
    const text = this.source.text;
    const parts: StrPart[] = [];
    let pos = node.startIndex;
    const interps = this.interpolations(node);
    const first = text.slice(pos, interps.length ? interps[0].startIndex : node.endIndex);
    parts.push(this.resolveLiteralPath(first));
    if (interps.length) {
      pos = interps[0].startIndex;
      for (const interp of interps) {
        if (interp.startIndex > pos) parts.push(text.slice(pos, interp.startIndex));
        parts.push(this.interpolated(interp));
        pos = interp.endIndex;
      }
      if (node.endIndex > pos) parts.push(text.slice(pos, node.endIndex));
    }
    return parts;
  }

  private resolveLiteralPath(raw: string): string {
    let abs: string;
    if (raw.startsWith('~/') || raw === '~') abs = canonPath(homeDir() + raw.slice(1));
    else if (raw.startsWith('/')) abs = canonPath(raw);
    else abs = canonPath(this.source.baseDir + '/' + raw);
    // Nix keeps the trailing slash of the first segment when an interpolation follows.
    if (raw.length > 1 && raw.endsWith('/') && abs !== '/') abs += '/';
    return abs;
  }
}

function isExpression(c: Node | null): c is Node {
  return !!c && c.type !== 'comment';
}

/**
 * A copy of `expr` lowered from the same text, now `delta` characters later in `source`: every
 * location moved, variables unresolved again (scope.ts resolves the whole file), and what the
 * lowering shared (`inherit (e) a b;` selects from one `e`) still shared.
 */
function shiftedExpr(expr: Expr, delta: number, source: Source): Expr {
  const copies = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    let out: unknown;
    if (Array.isArray(v)) {
      const list: unknown[] = [];
      copies.set(v, list);
      for (const item of v) list.push(copy(item));
      out = list;
    } else if (v instanceof Map) {
      const map = new Map<unknown, unknown>();
      copies.set(v, map);
      for (const [k, item] of v) map.set(k, copy(item));
      out = map;
    } else if ((v as { source?: unknown }).source instanceof Source) {
      const loc = v as Loc;
      out = { source, start: loc.start + delta, end: loc.end + delta };
      copies.set(v, out);
    } else {
      const obj: Record<string, unknown> = {};
      copies.set(v, obj);
      for (const [k, item] of Object.entries(v)) obj[k] = k === 'ref' ? { kind: 'unresolved' } : copy(item);
      out = obj;
    }
    return out;
  };
  return copy(expr) as Expr;
}
