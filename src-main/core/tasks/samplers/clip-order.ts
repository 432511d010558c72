/**
 * VCOP clip order prediction. `clips` clips of `clipLength` frames, `interval` frames apart, start at
 * a uniformly random frame; they are shown in one of clips! orders and the label is that order's
 * lexicographic rank. Each clip has one crop shared by its frames: random for training, centred in
 * `eval` mode. VCOP samples uniformly, so motion scores are not used.
 */
import { classCount as classCountOf, framesNeeded, type ClipOrderConfig } from '../../../shared/tasks.ts';
import { centreCrop, randomCrop } from '../crops.ts';
import { permutationFromRank } from '../permutations.ts';
import type { Rng } from '../rng.ts';
import { defineSampler } from './define.ts';
import { asText } from './explain.ts';
import type { Tuple, TupleElement, VideoSlot } from './types.ts';

function build({ video }: VideoSlot, rng: Rng, config: ClipOrderConfig): Tuple<'clip-order'> {
  const start = rng.int(0, video.frameCount - framesNeeded(config) + 1);
  const classCount = classCountOf(config);
  const label = rng.int(0, classCount);
  const order = permutationFromRank(config.clips, label);
  const size = { width: config.cropSize, height: config.cropSize };
  const elements = order.map((clip): TupleElement => {
    const clipStart = start + clip * (config.clipLength + config.interval);
    const crop = config.mode === 'eval' ? centreCrop(size, video) : randomCrop(size, video, rng);
    return {
      frames: Array.from({ length: config.clipLength }, (_, i) => ({
        frame: clipStart + i,
        crop,
        flip: false,
        channel: null,
      })),
    };
  });
  return {
    task: 'clip-order',
    videoId: video.id,
    elements,
    outputSize: size,
    label,
    classCount,
    explanation:
      `Clips shown in time order ${asText(order)} (1 = earliest); order ${label} of ${classCount}.`,
    detail: { order },
  };
}

export const clipOrder = defineSampler<ClipOrderConfig>({ build });
