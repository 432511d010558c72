/** Generated labelled features for the evaluation tests, where the right answer is known. */
import { createRng } from '../tasks/rng.ts';
import type { LabelledItem } from '../util/knn-classifier.ts';

/** `perClass` items of each of `classes` classes: a one-hot of the class plus uniform noise. */
export function labelledItems(classes: number, perClass: number, seed: number, { noise = 0.1, firstKey = 0 } = {}): LabelledItem[] {
  const rng = createRng(seed);
  return Array.from({ length: classes * perClass }, (_, index) => {
    const cls = index % classes;
    const vector = Float32Array.from({ length: classes + 4 }, (_, i) => (i === cls ? 1 : 0) + noise * (rng.next() - 0.5));
    return { key: firstKey + index, label: `class-${cls}`, vector };
  });
}

/** The same items with labels drawn at random: features that say nothing about the label. */
export function shuffledLabels(items: readonly LabelledItem[], classes: number, seed: number): LabelledItem[] {
  const rng = createRng(seed);
  return items.map((item) => ({ ...item, label: `class-${rng.int(0, classes)}` }));
}
