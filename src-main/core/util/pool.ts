/**
 * Runs `work` for every item with at most `concurrency` in flight. Stops taking new items once the
 * signal aborts or an item fails; items already started finish (or abort through the same signal),
 * then the first failure is thrown — so nothing keeps running behind the caller's back.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  async function lane(): Promise<void> {
    while (next < items.length && !signal?.aborted && !failure) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane);
  await Promise.all(lanes);
  if (failure) throw (failure as { error: unknown }).error;
}
