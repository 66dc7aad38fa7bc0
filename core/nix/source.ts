// A source text and the mapping from offsets to positions. Offsets are UTF-16 code unit
// indices into the JavaScript string, so LSP positions (0-based line, UTF-16 character) fall
// out directly; the CLI prints the same position 1-based.

import { dirname, relative } from 'node:path';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export class Source {
  private lineStarts: number[] | undefined;

  constructor(
    /** Absolute file path, or a pseudo name such as «string» for command-line expressions. */
    readonly path: string,
    readonly text: string,
    /** Directory that relative paths in this source resolve against. */
    readonly baseDir: string,
  ) {}

  position(offset: number): Position {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo] };
  }

  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** `path:line:col`, 1-based, as compilers and the Nix CLI print it. */
  describe(offset: number): string {
    const p = this.position(offset);
    return `${this.path}:${p.line + 1}:${p.character + 1}`;
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const t = this.text;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      // CR LF and lone CR end a line, as in LSP.
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }
}

export interface Span {
  start: number;
  end: number;
}

/** A place in a source: what every AST node, diagnostic and evaluation error carries. */
export interface Loc extends Span {
  source: Source;
  /** Set on a place at a helper function's call site (core/model/call-site.ts): where the helper wrote what is reported. */
  writtenIn?: Loc;
}

/** Orders places by file path, then by position in the file. */
export function compareLocs(a: Loc, b: Loc): number {
  const pa = a.source.path;
  const pb = b.source.path;
  return pa < pb ? -1 : pa > pb ? 1 : a.start - b.start;
}

/**
 * `loc` as a message about a place `from` names it: `line 12` in the same file, else the path
 * relative to `from`'s folder with line and column. Messages shown in an editor carry no
 * absolute paths; the place itself goes along as related information.
 */
export function placeFrom(loc: Loc, from: Loc): string {
  const p = loc.source.position(loc.start);
  if (loc.source.path === from.source.path) return `line ${p.line + 1}`;
  const path = loc.source.path.startsWith('/') && from.source.path.startsWith('/') ? relative(dirname(from.source.path), loc.source.path) : loc.source.path;
  return `${path}:${p.line + 1}:${p.character + 1}`;
}

export function describeLoc(loc: Loc): string {
  return loc.source.describe(loc.start);
}
