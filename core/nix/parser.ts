// Loads tree-sitter (wasm, no native modules) and the Nix grammar once per process.
// The wasm files sit beside the bundle in dist/; from the unbundled build (tests) they are
// resolved from node_modules.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Edit, Language, Parser, type Point, type Tree } from 'web-tree-sitter';

let ready: Promise<Parser> | undefined;
let parser: Parser | undefined;

function locate(file: string, packagePath: string): string {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  return require.resolve(packagePath);
}

/** Loads the grammar; every other function in this module needs it to have finished. */
export function initParser(): Promise<Parser> {
  ready ??= (async () => {
    const coreWasm = locate('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
    await Parser.init({ locateFile: () => coreWasm });
    // Read here, not by web-tree-sitter: it would `import('fs')`, which dnx's code-cached bundle cannot.
    const nix = await Language.load(readFileSync(locate('tree-sitter-nix.wasm', '@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm')));
    const p = new Parser();
    p.setLanguage(nix);
    parser = p;
    return p;
  })();
  return ready;
}

/** Text is handed to tree-sitter in chunks this large: far fewer calls than its default. */
const CHUNK = 1 << 16;

/** An earlier version of the same file and its tree, for an incremental parse. */
export interface PreviousParse {
  text: string;
  tree: Tree;
}

/**
 * Parses Nix text into a concrete syntax tree, or null when parsing takes longer than
 * `timeoutMs` (huge or badly broken files). The caller must `delete()` the tree.
 * With `previous`, tree-sitter re-parses only around what changed (a keystroke in a large
 * model takes a few milliseconds instead of tens); `previous.tree` is edited in place, and
 * the caller still deletes it.
 */
export function parseTree(source: string, timeoutMs = 30_000, previous?: PreviousParse): Tree | null {
  if (!parser) throw new Error('initParser() must finish before parsing');
  const deadline = performance.now() + timeoutMs;
  const text = asTreeSitterReads(source);
  if (previous) previous.tree.edit(editBetween(asTreeSitterReads(previous.text), text));
  // Tree-sitter asks often; reading the clock each time costs more than the parse step.
  let calls = 0;
  return parser.parse((i) => (i < text.length ? text.slice(i, i + CHUNK) : undefined), previous?.tree ?? null, {
    progressCallback: () => (++calls & 63) === 0 && performance.now() > deadline,
  });
}

/**
 * The text as the grammar should read it: a lone carriage return ends a line, as in Nix (the
 * grammar's comments would run on past it). Same length, so every offset stays; the lowering
 * reads literals from the text itself, where a carriage return in a string stays one.
 */
function asTreeSitterReads(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** The one edit that turns `before` into `after`: what lies between their common prefix and suffix. */
function editBetween(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return new Edit({
    startIndex: start,
    oldEndIndex: before.length - tail,
    newEndIndex: after.length - tail,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, before.length - tail),
    newEndPosition: pointAt(after, after.length - tail),
  });
}

function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
