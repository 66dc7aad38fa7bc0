// Collection helpers the standard library of Node 20 lacks (`Map.groupBy` came in Node 21).

/** The items by key, each group in the items' order, the groups in the order first seen. */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The first of `results` that failed, if any (`Promise.allSettled`'s answer). */
export function firstRejection<T>(results: PromiseSettledResult<T>[]): PromiseRejectedResult | undefined {
  return results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
}

/** Runs `run` on every item, at most `limit` at once; after a failure nothing new starts, and the first failure is thrown once the running ones end. */
export async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let error: unknown;
  const worker = async () => {
    while (next < items.length && error === undefined) {
      const item = items[next++];
      try {
        await run(item);
      } catch (e) {
        error ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (error !== undefined) throw error;
}
