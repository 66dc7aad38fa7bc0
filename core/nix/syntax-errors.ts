// Turns tree-sitter's ERROR and MISSING nodes into messages a person can act on.

import type { Node } from 'web-tree-sitter';
import { unclosedBrackets } from './brackets';

export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
  /** The one text whose insertion fixes it, where there is one (a missing `;`, `]`, `}`, `)`). */
  insertion?: { at: number; text: string };
}

const closerNames: Record<string, string> = {
  '}': 'to close the attribute set',
  ']': 'to close the list',
  ')': 'to close the parenthesis',
  ';': '',
};

function describeToken(text: string): string {
  if (text.length === 0) return 'end of file';
  const first = text.split(/\s/)[0].slice(0, 20);
  return `\`${first}\``;
}

function enclosing(node: Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    switch (p.type) {
      case 'attrset_expression':
      case 'rec_attrset_expression':
        return 'attribute set';
      case 'let_expression':
      case 'let_attrset_expression':
        return 'let';
      case 'list_expression':
        return 'list';
      case 'formals':
        return 'function arguments';
      case 'if_expression':
        return 'if';
    }
  }
  return undefined;
}

export function describeMissing(node: Node): SyntaxProblem {
  const what = node.type;
  let message: string;
  if (what === ';') {
    message = node.parent?.type === 'binding' || node.parent?.type === 'inherit' || node.parent?.type === 'inherit_from'
      ? 'expected `;` after binding'
      : 'expected `;`';
  } else if (what in closerNames) {
    message = `expected \`${what}\` ${closerNames[what]}`.trim();
  } else if (what === 'identifier' || what.endsWith('_expression')) {
    message = 'expected an expression';
  } else {
    message = `expected \`${what}\``;
  }
  const insertion = what in closerNames ? { at: node.startIndex, text: what } : undefined;
  return { start: node.startIndex, end: node.endIndex, message, ...(insertion ? { insertion } : {}) };
}

export function describeError(node: Node, text: string, contentEnd: number): SyntaxProblem {
  const body = text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 4096));
  const start = node.startIndex;
  const end = Math.max(node.endIndex, node.startIndex + 1);
  const atEof = node.endIndex >= contentEnd;
  if (/^''/.test(body) && (atEof || !closesIndented(text, start + 2))) return { start, end: start + 2, message: 'unterminated indented string (missing closing `\'\'`)' };
  if (/^"/.test(body) && (atEof || !closesString(text, start + 1))) return { start, end: start + 1, message: 'unterminated string (missing closing `"`)' };
  if (/\$\{/.test(body) && atEof && !body.includes('}')) return { start, end, message: 'unterminated interpolation (missing `}`)' };
  const leaves = findLeaf(node, () => true);
  const token = leaves ? text.slice(leaves.startIndex, leaves.endIndex) : body;
  // `{ a = 1 b = 2; }`: the `=` of the next binding is where tree-sitter gives up, but the
  // mistake is the missing `;` after the previous value.
  if (token === '=' && node.parent && inBindingValue(node)) {
    const prevArg = node.previousSibling;
    const before = prevArg?.type === 'apply_expression' ? prevArg.childForFieldName('function') : undefined;
    const at = before ? before.endIndex : start;
    return { start: at, end: at + 1, message: 'expected `;` after binding', insertion: { at, text: ';' } };
  }
  const keyword = findLeaf(node, (n) => ['in', 'then', 'else'].includes(text.slice(n.startIndex, n.endIndex)));
  if (keyword) {
    const word = text.slice(keyword.startIndex, keyword.endIndex);
    return { start: keyword.startIndex, end: keyword.endIndex, message: `unexpected \`${word}\`: a binding or expression before it is incomplete (missing \`;\`?)` };
  }
  const where = enclosing(node);
  return { start, end, message: `unexpected ${describeToken(token)}${where ? ` in ${where}` : ''}` };
}

function inBindingValue(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'binding') return true;
    if (p.type.endsWith('attrset_expression') || p.type === 'let_expression') return false;
  }
  return false;
}

function findLeaf(node: Node, test: (n: Node) => boolean): Node | null {
  if (node.childCount === 0) return test(node) ? node : null;
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    const found = c && findLeaf(c, test);
    if (found) return found;
  }
  return null;
}

/** Whether a "string" starting before `from` is closed somewhere later in the text. */
function closesString(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return true;
  }
  return false;
}

/** Whether an ''indented string'' starting before `from` is closed somewhere later. */
function closesIndented(text: string, from: number): boolean {
  for (let i = text.indexOf("''", from); i !== -1; i = text.indexOf("''", i + 2)) {
    const next = text[i + 2];
    if (next === "'" || next === '$' || next === '\\') {
      i += 1;
      continue;
    }
    return true;
  }
  return false;
}

/** The syntax errors of a parsed text, in order, at most `limit` (a garbage file has thousands; the first ones are what a person reads). */
export function syntaxProblems(root: Node, text: string, limit: number): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  if (!root.hasError) return problems;
  const contentEnd = text.trimEnd().length;
  const stack: Node[] = [root];
  while (stack.length && problems.length < limit) {
    const node = stack.pop()!;
    if (trailingFormalComma(node)) continue;
    if (node.isMissing) {
      // `inherit ;` is valid Nix that this grammar reads as a missing name.
      if (node.parent?.type === 'inherited_attrs' && node.parent.namedChildCount === 1) continue;
      problems.push(describeMissing(node));
      continue;
    }
    if (node.type === 'ERROR') {
      problems.push(describeError(node, text, contentEnd));
      continue;
    }
    if (!node.hasError) continue;
    for (let i = node.childCount - 1; i >= 0; i--) {
      const c = node.child(i);
      if (c) stack.push(c);
    }
  }
  return problems.sort((a, b) => a.start - b.start);
}

const CLOSERS = { '[': ']', '{': '}', '(': ')' } as const;

/**
 * `problems`, with each bracket that a closer of another kind closes (core/nix/brackets.ts)
 * reported at itself: what tree-sitter's recovery made of the text from it to that closer
 * goes, and the rest of the file is read again as if the bracket were closed there, so its
 * own mistakes are still reported (not lost in one error over everything after the bracket).
 * Brackets still open at the end of the file are left to tree-sitter: which one is meant is a guess.
 */
export function withUnclosedBrackets(problems: SyntaxProblem[], text: string, reparse: (text: string) => SyntaxProblem[]): SyntaxProblem[] {
  const unclosed = unclosedBrackets(text).filter((u): u is typeof u & { bracket: keyof typeof CLOSERS } => u.bracket !== '${' && u.until < text.length);
  if (unclosed.length === 0) return problems;
  // The text with each missing closer put in, and the way back to the real text's positions.
  // A bracket that is a binding's value (`targets = [`) ends the binding too.
  const closing = (u: (typeof unclosed)[number]) => CLOSERS[u.bracket] + (/=\s*$/.test(text.slice(Math.max(0, u.at - 64), u.at)) ? ';' : '');
  let patched = text;
  for (const u of [...unclosed].sort((a, b) => b.until - a.until || a.at - b.at)) patched = patched.slice(0, u.until) + closing(u) + patched.slice(u.until);
  const back = (pos: number) => pos - unclosed.filter((u) => u.until < pos).reduce((n, u) => n + closing(u).length, 0);
  const inRecovery = (p: SyntaxProblem) => unclosed.some((u) => (p.start >= u.at && p.start <= u.until) || (p.start <= u.at && p.end > u.at));
  const rest = reparse(patched)
    .map((p) => ({ ...p, start: back(p.start), end: back(p.end) }))
    .filter((p) => !inRecovery(p));
  const own = unclosed.map((u) => ({
    start: u.at,
    end: u.at + 1,
    // Closed right after what the bracket holds, before the space ahead of the other closer.
    insertion: { at: text.slice(0, u.until).trimEnd().length, text: closing(u) },
    message: `\`${u.bracket}\` is not closed: expected \`${CLOSERS[u.bracket]}\` before the \`${text[u.until]}\` on line ${lineOf(text, u.until)}`,
  }));
  return [...own, ...rest].sort((a, b) => a.start - b.start);
}

function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Whether `node` is how the bundled grammar recovers from a trailing comma after the last
 * formal (`{ lib, stdenv, }:`, the style of today's nixfmt), which Nix accepts: a formal whose
 * name is missing right before the `}`, or an error holding just that comma (after a formal
 * with a default). Nothing broader: a comma after `...`, a comma alone, two in a row stay
 * syntax errors, as in Nix.
 */
function trailingFormalComma(node: Node): boolean {
  const formal = node.isMissing && node.type === 'identifier' ? node.parent : node.type === 'ERROR' ? node : null;
  if (!formal || formal.parent?.type !== 'formals' || after(formal)?.type !== '}') return false;
  const previous = before(formal);
  if (formal.type === 'formal') return formal.startIndex === formal.endIndex && previous?.type === ',' && before(previous)?.type === 'formal';
  return formal.childCount === 1 && formal.child(0)?.type === ',' && previous?.type === 'formal';
}

/** The sibling before or after `node`, comments passed over. */
function before(node: Node): Node | null {
  let n = node.previousSibling;
  while (n?.type === 'comment') n = n.previousSibling;
  return n;
}

function after(node: Node): Node | null {
  let n = node.nextSibling;
  while (n?.type === 'comment') n = n.nextSibling;
  return n;
}
