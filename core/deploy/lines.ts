// A program's output as lines, as they arrive: chunks are split at newlines and an unfinished
// last line waits for the rest.

export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop()!;
    for (const l of lines) this.onLine(l);
  }

  /** Passes on what is left once the output ended. */
  end(): void {
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
  }
}
