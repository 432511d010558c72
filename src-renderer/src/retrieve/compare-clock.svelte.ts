/**
 * Plays several videos in step. One master clock (wall time × rate) owns the position; play, pause,
 * seek and rate fan out to every video, and `tick` (called periodically) moves the position and
 * re-seeks any video that has drifted. A video that cannot play is dropped from the fan-out, so
 * it never holds the others up. No DOM: anything shaped like a media element can be attached.
 */

import { SvelteMap, SvelteSet } from 'svelte/reactivity';

/** What the clock needs of a `<video>`. */
export interface SyncedVideo {
  currentTime: number;
  playbackRate: number;
  readonly paused: boolean;
  /** A seek is in flight: its time is not yet where it was sent. */
  readonly seeking?: boolean;
  /** NaN until the metadata loaded. */
  readonly duration?: number;
  play(): Promise<void> | void;
  pause(): void;
}

/** A video further than this from the master position is re-seeked. */
export const DRIFT_TOLERANCE_S = 0.15;
export const PLAYBACK_RATES = [0.25, 0.5, 1, 2] as const;
export const UNPLAYABLE_MESSAGE = 'this file cannot be played here (codec)';

interface Track {
  video: SyncedVideo;
  /** Where the span starts in this video, in seconds. */
  offset: number;
}

export class CompareClock {
  playing = $state(false);
  /** Seconds into the span. */
  position = $state(0);
  rate = $state(1);
  /** Seconds the videos play together; 0 while unknown (then playback never stops by itself). */
  span = $state(0);
  /** Keys of the videos that cannot play. */
  readonly failed = new SvelteSet<string>();

  readonly #tracks = new SvelteMap<string, Track>();
  readonly #now: () => number;
  /** The position at `#anchorTime` (ms by `#now`): the master clock runs from there while playing. */
  #anchorPosition = 0;
  #anchorTime = 0;

  constructor(span: number | null, now: () => number = () => performance.now()) {
    this.span = span ?? 0;
    this.#now = now;
  }

  /** Adds a video that plays its span from `offset` seconds; returns its removal. */
  attach(key: string, video: SyncedVideo, offset: number): () => void {
    const track = { video, offset };
    this.#tracks.set(key, track);
    video.playbackRate = this.rate;
    this.#align(track, true);
    if (this.playing) this.#start(key, track);
    return () => {
      if (this.#tracks.get(key) === track) this.#tracks.delete(key);
    };
  }

  /** A video failed to load or decode: it leaves the fan-out and is reported. */
  fail(key: string): void {
    this.#tracks.delete(key);
    this.failed.add(key);
  }

  /** The span became known (the query video's metadata). */
  setSpan(span: number): void {
    if (Number.isFinite(span) && span > 0) this.span = span;
  }

  /** A video of the comparison is this long: the span grows to cover it (whole videos play to the longest's end). */
  extendSpan(seconds: number): void {
    if (Number.isFinite(seconds) && seconds > this.span) this.span = seconds;
  }

  play(): void {
    if (this.playing) return;
    // At the end: play again from the start.
    if (this.span > 0 && this.position >= this.span) this.#setPosition(0);
    this.#anchor(this.position);
    this.playing = true;
    for (const [key, track] of this.#tracks) {
      this.#align(track, false);
      this.#start(key, track);
    }
  }

  pause(): void {
    if (!this.playing) return;
    this.position = this.#masterPosition();
    this.playing = false;
    for (const track of this.#tracks.values()) {
      track.video.pause();
      this.#align(track, true);
    }
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Moves every video to `position` seconds into the span. */
  seek(position: number): void {
    this.#setPosition(position);
    this.#anchor(this.position);
    for (const track of this.#tracks.values()) this.#align(track, true);
  }

  setRate(rate: number): void {
    if (!(rate > 0)) return;
    // The master clock continues from where it is, at the new rate.
    if (this.playing) this.position = this.#masterPosition();
    this.#anchor(this.position);
    this.rate = rate;
    for (const track of this.#tracks.values()) track.video.playbackRate = rate;
  }

  /** Advances the master position, stops at the span's end, and pulls drifted videos back in step. */
  tick(): void {
    if (this.playing) {
      const position = this.#masterPosition();
      if (this.span > 0 && position >= this.span) {
        this.pause();
        this.seek(this.span);
        return;
      }
      this.position = position;
    }
    for (const [key, track] of this.#tracks) {
      const { video } = track;
      if (video.playbackRate !== this.rate) video.playbackRate = this.rate;
      const within = this.#align(track, false);
      // A video the browser paused (stalled, or ended before a re-seek) joins in again.
      if (this.playing && video.paused && within) this.#start(key, track);
    }
  }

  #masterPosition(): number {
    if (!this.playing) return this.position;
    return this.#anchorPosition + ((this.#now() - this.#anchorTime) / 1000) * this.rate;
  }

  #anchor(position: number): void {
    this.#anchorPosition = position;
    this.#anchorTime = this.#now();
  }

  #setPosition(position: number): void {
    const upper = this.span > 0 ? this.span : Number.POSITIVE_INFINITY;
    this.position = Math.min(upper, Math.max(0, Number.isFinite(position) ? position : 0));
  }

  /**
   * Seeks a video to the master position when it is off by more than the tolerance (or at all,
   * with `exact`). Returns false when the position lies past the video's end: it keeps its last frame.
   */
  #align(track: Track, exact: boolean): boolean {
    const { video, offset } = track;
    const target = offset + this.#masterPosition();
    const duration = video.duration ?? Number.NaN;
    if (Number.isFinite(duration) && target >= duration) return false;
    if (video.seeking && !exact) return true;
    const drift = Math.abs(video.currentTime - target);
    if (exact ? drift > 1e-3 : drift > DRIFT_TOLERANCE_S) video.currentTime = target;
    return true;
  }

  #start(key: string, track: Track): void {
    try {
      const started = track.video.play();
      // A pause right after play rejects with AbortError; only "cannot decode" means the file is unplayable.
      if (started) started.catch((error: unknown) => this.#playFailed(key, error));
    } catch (error) {
      this.#playFailed(key, error);
    }
  }

  #playFailed(key: string, error: unknown): void {
    if (error instanceof Error && error.name === 'NotSupportedError') this.fail(key);
  }
}
