// Evaluation errors shaped like Nix's: a kind (what the conformance tests compare), a message,
// the place it arose, and the trace of calls that led there (`--show-trace`).

import type { Loc } from './source';

export type ErrorKind =
  | 'type' // a value of the wrong type, a failed coercion or comparison
  | 'missing-attribute'
  | 'undefined-variable'
  | 'infinite-recursion'
  | 'assertion'
  | 'throw'
  | 'abort'
  | 'division-by-zero'
  | 'bad-call' // wrong or missing function arguments
  | 'syntax'
  | 'io' // missing files, unknown search paths, things that need a store
  | 'limit' // depth, step or memory limit
  | 'other';

export interface TraceFrame {
  loc: Loc | undefined;
  message: string;
}

/** What an error is about, for the callers that act on it (the model reader, quick fixes). */
export interface EvalErrorDetail {
  /** `missing-attribute` from a selection: the attribute that is not there. */
  missingAttribute?: string;
}

export class EvalError extends Error {
  readonly trace: TraceFrame[] = [];
  constructor(
    readonly kind: ErrorKind,
    message: string,
    public loc?: Loc,
    readonly detail: EvalErrorDetail = {},
  ) {
    super(message);
  }

  addTrace(loc: Loc | undefined, message: string): this {
    if (this.trace.length < 64) this.trace.push({ loc, message });
    return this;
  }

  /** `FILE:LINE:COL: error: message`, with the trace under it when asked. */
  format(showTrace = false): string {
    const where = this.loc ? `${this.loc.source.describe(this.loc.start)}: ` : '';
    let out = `${where}error: ${this.message}`;
    if (showTrace) {
      for (const f of this.trace) {
        out += `\n       … ${f.message}${f.loc ? ` at ${f.loc.source.describe(f.loc.start)}` : ''}`;
      }
    }
    return out;
  }
}
