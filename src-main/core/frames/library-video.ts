import type { SamplingVideo } from '../db/videos.ts';
import type { VideoRef } from './frame-source.ts';

/** The frame source's view of a library video: its stored facts spare an ffprobe per decode. */
export function libraryVideoRef(video: SamplingVideo): VideoRef {
  return {
    id: video.id,
    path: video.path,
    contentHash: video.contentHash,
    media: { durationS: video.durationS, fps: video.fps },
  };
}
