// A small argument reader for dnx's Nix-style flags (`--arg NAME EXPR` takes two values).

export class UsageError extends Error {}

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
