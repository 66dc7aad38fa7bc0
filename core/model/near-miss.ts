// "Did you mean ...?": the known name closest to a misspelt one, if it is close enough to be
// a typo (edit distance 1 for short names, 2 for longer ones; case differences are typos).

export function nearMiss(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === name) return undefined;
    const d = k.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const allowed = name.length <= 4 ? 1 : 2;
  return bestDistance <= allowed ? best : undefined;
}

/** A name that may be a typo, with the known name it likely means: a diagnostic's subject. */
export interface Typo {
  name: string;
  suggestion?: string;
}

export function typo(name: string, known: Iterable<string>): Typo {
  const suggestion = nearMiss(name, known);
  return suggestion ? { name, suggestion } : { name };
}

/** The "; did you mean 'x'?" a message about `t` ends with, or nothing. */
export function didYouMean(t: Typo): string {
  return t.suggestion ? `; did you mean '${t.suggestion}'?` : '';
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}
