// Jobs that wait for other jobs: how many each still waits for, and which are freed when one
// finishes. The plan's rounds and the executor's live scheduling both run on it.

export class WaitGraph {
  private readonly pending = new Map<string, number>();
  private readonly unblocks = new Map<string, string[]>();

  /** `waitsFor` may name jobs outside `keys` (ignored) and repeat itself. */
  constructor(keys: Iterable<string>, waitsFor: (key: string) => string[]) {
    const all = new Set(keys);
    for (const key of all) {
      const waits = [...new Set(waitsFor(key))].filter((w) => w !== key && all.has(w));
      this.pending.set(key, waits.length);
      for (const w of waits) {
        const list = this.unblocks.get(w);
        if (list) list.push(key);
        else this.unblocks.set(w, [key]);
      }
    }
  }

  /** The jobs that wait for nothing. */
  ready(): string[] {
    return [...this.pending].filter(([, n]) => n === 0).map(([k]) => k);
  }

  /** Records `key` as done; returns the jobs that now wait for nothing more. */
  finish(key: string): string[] {
    const freed: string[] = [];
    for (const u of this.unblocks.get(key) ?? []) {
      const left = this.pending.get(u)! - 1;
      this.pending.set(u, left);
      if (left === 0) freed.push(u);
    }
    return freed;
  }
}
