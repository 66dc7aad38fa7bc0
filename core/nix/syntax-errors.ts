// Turns tree-sitter's ERROR and MISSING nodes into messages a person can act on.

import type { Node } from 'web-tree-sitter';

export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
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
  return { start: node.startIndex, end: node.endIndex, message };
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
    return { start: at, end: at + 1, message: 'expected `;` after binding' };
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
