// A small argument reader for dnx's Nix-style flags (`--arg NAME EXPR` takes two values).

export class UsageError extends Error {}

/** A flag's value that must be a positive whole number. */
export function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive number, got '${v}'`);
  return n;
}

/** Reads flags as getopt_long does, so `--flag VALUE` and `--flag=VALUE` are the same. */
export class ArgReader {
  private i = 0;
  /** The value given inline (`--flag=VALUE`) to the flag just read. */
  private inline?: { flag: string; value: string };
  constructor(private readonly argv: string[]) {}

  next(): string | undefined {
    if (this.inline) throw new UsageError(`${this.inline.flag} takes no value`);
    const a = this.argv[this.i++];
    const eq = a?.startsWith('--') ? a.indexOf('=') : -1;
    if (eq < 0) return a;
    this.inline = { flag: a!.slice(0, eq), value: a!.slice(eq + 1) };
    return this.inline.flag;
  }

  value(flag: string): string {
    if (this.inline) {
      const { value } = this.inline;
      this.inline = undefined;
      return value;
    }
    const v = this.argv[this.i++];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  }
}
