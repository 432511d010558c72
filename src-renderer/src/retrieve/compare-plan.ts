/** What the comparison plays: the query and the chosen results, each from where its clip starts. Pure. */
import type { ClipSpan, NeighbourDto, RetrievalResult } from '@shared/dto.ts';

/** Most results the comparison plays next to the query. */
export const MAX_COMPARED = 4;

/** A neighbour's identity within a result: clip retrieval may return several clips of one video. */
export function neighbourKey(neighbour: Pick<NeighbourDto, 'videoId' | 'clip'>): string {
  return neighbour.clip ? `${neighbour.videoId}:${neighbour.clip.index}` : String(neighbour.videoId);
}

const QUERY_TILE_KEY = 'query';

/** A stretch of a tile's video to mark on its timeline, and whose match it is. */
export interface TimelineMark {
  key: string;
  /** "#2" for the query's side of result 2's match, "match" or "clip" on a result's own timeline. */
  label: string;
  span: ClipSpan;
}

export interface CompareTile {
  key: string;
  videoId: number;
  fileName: string;
  label: string | null;
  /** Null for the query. */
  neighbour: NeighbourDto | null;
  clip: ClipSpan | null;
  /** Where in its video the tile's playback starts, in seconds. */
  offset: number;
  /** The clips to mark on the tile's timeline: the matched (or retrieved) clips. */
  marks: TimelineMark[];
}

export interface ComparePlan {
  tiles: CompareTile[];
  /**
   * Seconds the shared scrub bar spans: the query clip's length, or the query video's duration (null:
   * unknown); whole-video comparisons then grow it to the longest video as their lengths load.
   */
  span: number | null;
}

const mark = (key: string, label: string, span: ClipSpan): TimelineMark => ({ key, label, span });

/**
 * Clip results play from their clips' starts for the query clip's length; video results play from
 * 0 for the query's duration. Each tile marks its clip (clip retrieval) or the clip of the best
 * matching pair (video retrieval); the query marks its side of every chosen result's pair.
 */
export function comparePlan(result: RetrievalResult, chosen: readonly NeighbourDto[], queryDurationS: number | null): ComparePlan {
  const { query } = result;
  const tiles: CompareTile[] = [
    {
      key: QUERY_TILE_KEY,
      videoId: query.videoId,
      fileName: query.fileName,
      label: query.label,
      neighbour: null,
      clip: query.clip,
      offset: query.clip?.startSeconds ?? 0,
      marks: query.clip
        ? [mark('clip', 'clip', query.clip)]
        : chosen.flatMap((neighbour) => (neighbour.match ? [mark(neighbourKey(neighbour), `#${neighbour.rank}`, neighbour.match.query)] : [])),
    },
    ...chosen.map((neighbour) => ({
      key: neighbourKey(neighbour),
      videoId: neighbour.videoId,
      fileName: neighbour.fileName,
      label: neighbour.label,
      neighbour,
      clip: neighbour.clip,
      offset: neighbour.clip?.startSeconds ?? 0,
      marks: neighbour.clip
        ? [mark('clip', 'clip', neighbour.clip)]
        : neighbour.match
          ? [mark('match', `#${neighbour.rank}`, neighbour.match.neighbour)]
          : [],
    })),
  ];
  const span = query.clip ? query.clip.endSeconds - query.clip.startSeconds : queryDurationS;
  return { tiles, span };
}
