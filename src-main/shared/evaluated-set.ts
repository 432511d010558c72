import type { EvaluatedSet, FeatureSetDto } from './dto.ts';

/** What an evaluation row says about its feature set: how the vectors were made. */
export function evaluatedSet(set: FeatureSetDto): EvaluatedSet {
  return {
    setId: set.id,
    name: set.name,
    isRandomInit: set.source.kind === 'random',
    protocol: set.protocol,
    inputSize: set.inputSize,
    clipsPerVideo: set.clipsPerVideo,
    featureSize: set.featureSize,
  };
}
