/** What the comparison plays: the query and the chosen results, each from where its clip starts. Pure. */
import type { ClipSpan, NeighbourDto, RetrievalResult } from '../../../src-main/shared/dto.ts';

/** Most results the comparison plays next to the query. */
export const MAX_COMPARED = 4;

/** A neighbour's identity within a result: clip retrieval may return several clips of one video. */
export function neighbourKey(neighbour: Pick<NeighbourDto, 'videoId' | 'clip'>): string {
  return neighbour.clip ? `${neighbour.videoId}:${neighbour.clip.index}` : String(neighbour.videoId);
}

const QUERY_TILE_KEY = 'query';

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
}

export interface ComparePlan {
  tiles: CompareTile[];
  /**
   * Seconds the shared scrub bar spans: the query clip's length, or the query video's duration (null:
   * unknown); whole-video comparisons then grow it to the longest video as their lengths load.
   */
  span: number | null;
}

/**
 * Clip results play from their clips' starts for the query clip's length; video results play from
 * 0 for the query's duration.
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
    },
    ...chosen.map((neighbour) => ({
      key: neighbourKey(neighbour),
      videoId: neighbour.videoId,
      fileName: neighbour.fileName,
      label: neighbour.label,
      neighbour,
      clip: neighbour.clip,
      offset: neighbour.clip?.startSeconds ?? 0,
    })),
  ];
  const span = query.clip ? query.clip.endSeconds - query.clip.startSeconds : queryDurationS;
  return { tiles, span };
}
