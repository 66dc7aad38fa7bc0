// Loads tree-sitter (wasm, no native modules) and the Nix grammar once per process.
// The wasm files sit beside the bundle in dist/; from the unbundled build (tests) they are
// resolved from node_modules.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

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
    const nix = await Language.load(
      locate('tree-sitter-nix.wasm', '@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm'),
    );
    const p = new Parser();
    p.setLanguage(nix);
    parser = p;
    return p;
  })();
  return ready;
}

/** Text is handed to tree-sitter in chunks this large: far fewer calls than its default. */
const CHUNK = 1 << 16;

/**
 * Parses Nix text into a concrete syntax tree, or null when parsing takes longer than
 * `timeoutMs` (huge or badly broken files). The caller must `delete()` the tree.
 */
export function parseTree(text: string, timeoutMs = 30_000): Tree | null {
  if (!parser) throw new Error('initParser() must finish before parsing');
  const deadline = performance.now() + timeoutMs;
  // Tree-sitter asks often; reading the clock each time costs more than the parse step.
  let calls = 0;
  return parser.parse((i) => (i < text.length ? text.slice(i, i + CHUNK) : undefined), null, {
    progressCallback: () => (++calls & 63) === 0 && performance.now() > deadline,
  });
}
