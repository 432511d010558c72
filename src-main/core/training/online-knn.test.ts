import { describe, expect, it } from 'vitest';
import { onlineKnn, onlineKnnVideos } from './online-knn.ts';

const ids = (count: number) => new Set(Array.from({ length: count }, (_, i) => i + 1));

describe('onlineKnnVideos', () => {
  const labels = Array.from({ length: 300 }, (_, i) => ({ videoId: i + 1, label: `class-${i % 3}` }));

  it('takes every labelled video among the run’s when there are few, in id order', () => {
    const chosen = onlineKnnVideos(labels.slice(0, 10), ids(8), 1);
    expect(chosen?.map((item) => item.videoId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('samples a fixed, seeded subset of a large library', () => {
    const first = onlineKnnVideos(labels, ids(300), 7, 50);
    expect(first).toHaveLength(50);
    expect(onlineKnnVideos(labels, ids(300), 7, 50)).toEqual(first);
    expect(onlineKnnVideos(labels, ids(300), 8, 50)).not.toEqual(first);
    expect(first?.map((item) => item.videoId)).toEqual([...(first ?? [])].map((item) => item.videoId).sort((a, b) => a - b));
  });

  it('gives nothing to measure with fewer than two classes', () => {
    expect(onlineKnnVideos([{ videoId: 1, label: 'a' }, { videoId: 2, label: 'a' }], ids(2), 0)).toBeNull();
    expect(onlineKnnVideos(labels, new Set([1, 4, 7]), 0)).toBeNull(); // all class-0
  });
});

describe('onlineKnn', () => {
  const item = (key: number, label: string, vector: number[]) => ({ key, label, vector: Float32Array.from(vector) });

  it('scores 1.0 on features that encode the class, and names the majority share', () => {
    const items = [item(1, 'a', [1, 0]), item(2, 'a', [0.9, 0.1]), item(3, 'a', [1, 0.05]), item(4, 'b', [0, 1]), item(5, 'b', [0.1, 1])];
    expect(onlineKnn(items)).toEqual({ accuracy: 1, videos: 5, classes: 2, majority: 0.6 });
  });

  it('scores near chance when labels are shuffled against the features', () => {
    // 40 videos in 4 feature clusters; labels assigned round-robin across clusters, so no cluster holds a class.
    const items = Array.from({ length: 40 }, (_, i) => {
      const cluster = Math.floor(i / 10);
      const vector = [0, 0, 0, 0].map((_, d) => (d === cluster ? 1 : 0) + ((i * 7919 + d * 104729) % 13) / 1000);
      return item(i, `label-${i % 4}`, vector);
    });
    const { accuracy } = onlineKnn(items);
    expect(accuracy).toBeLessThan(0.5);
  });
});
