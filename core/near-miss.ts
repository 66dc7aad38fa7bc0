// "Did you mean ...?": the known names closest to a misspelt one, if close enough to be a typo
// (edit distance 1 for short names, 2 for longer ones; case differences are typos).

/** The known names closest to a misspelt one, all those at the smallest distance, if it is close enough to be a typo. */
export function nearMisses(name: string, known: Iterable<string>): string[] {
  let best: string[] = [];
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === name) return [];
    const d = k.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [[k], d];
    else if (d === bestDistance && !best.includes(k)) best.push(k);
  }
  const allowed = name.length <= 4 ? 1 : 2;
  return bestDistance <= allowed ? best.sort() : [];
}

/** A name that may be a typo, with the known names it likely means: a diagnostic's subject. */
export interface Typo {
  name: string;
  /** The first of the candidates, what a message names first. */
  suggestion?: string;
  /** Every candidate at the smallest distance (the suggestion among them), when there are several. */
  alternatives?: string[];
}

export function typo(name: string, known: Iterable<string>): Typo {
  const [suggestion, ...others] = nearMisses(name, known);
  if (!suggestion) return { name };
  return others.length ? { name, suggestion, alternatives: [suggestion, ...others] } : { name, suggestion };
}

/** The "; did you mean 'x'?" (or "'x' or 'y'") a message about `t` ends with, or nothing. */
export function didYouMean(t: Typo): string {
  const all = t.alternatives ?? (t.suggestion ? [t.suggestion] : []);
  if (all.length === 0) return '';
  const quoted = all.map((a) => `'${a}'`);
  return `; did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
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
