import type { Loc } from './source';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem found in a source, located at its cause. Plain data: `server/` converts it. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  loc: Loc;
  related?: { loc: Loc; message: string }[];
  /** The name the problem is about and, for a likely typo, the known name meant: what quick fixes work from. */
  subject?: { name: string; suggestion?: string };
}
