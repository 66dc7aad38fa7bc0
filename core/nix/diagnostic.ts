import { relative } from 'node:path';
import { severityOf, type DiagnosticCode, type Severity } from '../diagnostic-codes';
import type { Loc } from './source';

export type { DiagnosticCode, Severity };

/** A problem found in a source, located at its cause. Plain data: `server/` converts it. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  loc: Loc;
  related?: { loc: Loc; message: string }[];
  /**
   * What quick fixes work from: the name the problem is about; for a likely typo, the known name
   * meant (`suggestion`) or, when several are as likely, all of them (`alternatives`, also the
   * names to pick from instead); `owner`, the target or service the name belongs to.
   */
  subject?: { name: string; suggestion?: string; alternatives?: string[]; owner?: string };
  /** A syntax error with one obvious fix: the text to insert, at an offset of the same source. */
  insertion?: { at: number; text: string };
}

/** A diagnostic of `code`, with the catalogue's severity (core/diagnostic-codes.ts). */
export function diagnostic(code: DiagnosticCode, message: string, loc: Loc, given?: Diagnostic['related'], subject?: Diagnostic['subject']): Diagnostic {
  const related = loc.writtenIn ? [{ loc: loc.writtenIn, message: 'where the function that builds it writes this' }, ...(given ?? [])] : given;
  return { code, severity: severityOf(code), message, loc, ...(related?.length ? { related } : {}), ...(subject ? { subject } : {}) };
}

/** `FILE:LINE:COL: severity: message [code]`, as compilers print, with a `note:` line per related place; paths relative to `cwd`. */
export function formatDiagnostic(d: Diagnostic, cwd: string): string {
  const lines = [`${placeIn(d.loc, cwd)}: ${d.severity}: ${d.message} [${d.code}]`];
  for (const r of d.related ?? []) lines.push(`${placeIn(r.loc, cwd)}: note: ${r.message}`);
  return lines.join('\n');
}

/** `FILE:LINE:COL`, 1-based, the path relative to `cwd`. */
export function placeIn(loc: Loc, cwd: string): string {
  const p = loc.source.position(loc.start);
  const path = loc.source.path.startsWith('/') ? relative(cwd, loc.source.path) : loc.source.path;
  return `${path}:${p.line + 1}:${p.character + 1}`;
}

/** As `dnx validate --json` prints it: LSP-style ranges (0-based lines, UTF-16 columns). */
export function diagnosticJson(d: Diagnostic) {
  return { file: d.loc.source.path, range: d.loc.source.range(d.loc), severity: d.severity, code: d.code, message: d.message };
}
