// Parsed files by path and exact text: a file is parsed and lowered once per version, however
// many evaluations read it. The language server re-evaluates the models on every edit, and
// only the edited file has changed; its new version is parsed incrementally from the syntax
// tree of the one before. Bounded by total source size, least recently used first out.

import type { Tree } from 'web-tree-sitter';
import type { Expr } from './ast';
import type { Diagnostic } from './diagnostic';
import { parseNix, type LoweredNodes } from './lower';
import { bindVariables } from './scope';
import type { Source } from './source';

export interface ParsedFile {
  source: Source;
  expr: Expr;
  diagnostics: Diagnostic[];
}

interface Entry extends ParsedFile {
  /** Kept for the next version's incremental parse; freed when the entry goes. */
  tree?: Tree;
  /** What of `tree` was lowered, for the next version to reuse. */
  lowered?: LoweredNodes;
}

export class ParseCache {
  private readonly entries = new Map<string, Entry>();
  private size = 0;

  constructor(private readonly maxChars = 64 << 20) {}

  /**
   * The parsed file for `source`, reused when the same path had the same text and base
   * directory. `globals` must be the same map for every call (the base environment's slots):
   * variables are resolved against it once.
   */
  parse(source: Source, globals: Map<string, number>): ParsedFile {
    const key = source.path;
    const hit = this.entries.get(key);
    if (hit && hit.source.text === source.text && hit.source.baseDir === source.baseDir) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    // Command-line expressions and oversized files are not worth keeping.
    const keep = key.startsWith('/') && source.text.length <= this.maxChars / 4;
    // What was lowered is reused only where paths resolve against the same folder.
    const previous = hit?.tree ? { text: hit.source.text, tree: hit.tree, lowered: hit.source.baseDir === source.baseDir ? hit.lowered : undefined } : undefined;
    const { expr, diagnostics, tree, lowered } = parseNix(source, { previous, keepTree: keep });
    bindVariables(expr, globals, diagnostics);
    const parsed: Entry = { source, expr, diagnostics, ...(tree ? { tree, lowered } : {}) };
    if (hit) this.forget(key, hit);
    if (!keep) return parsed;
    this.entries.set(key, parsed);
    this.size += source.text.length;
    for (const [k, old] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.forget(k, old);
    }
    return parsed;
  }

  private forget(key: string, entry: Entry): void {
    entry.tree?.delete();
    this.entries.delete(key);
    this.size -= entry.source.text.length;
  }
}

/** The process's cache, shared by every evaluator unless one is given its own. */
export const sharedParseCache = new ParseCache();
