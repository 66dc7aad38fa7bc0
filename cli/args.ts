// A small argument reader for dnx's Nix-style flags (`--arg NAME EXPR` takes two values).

export class UsageError extends Error {}

/** A flag's value that must be a positive whole number. */
export function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive number, got '${v}'`);
  return n;
}

export class ArgReader {
  private i = 0;
  constructor(private readonly argv: string[]) {}

  next(): string | undefined {
    return this.argv[this.i++];
  }

  value(flag: string): string {
    const v = this.argv[this.i++];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  }
}
