import { describe, expect, it } from 'vitest';
import { CompareClock, DRIFT_TOLERANCE_S, type SyncedVideo } from './compare-clock.svelte.ts';

/** A media element stand-in: time advances only when the test says so; seeks are recorded. */
class FakeVideo implements SyncedVideo {
  playbackRate = 1;
  paused = true;
  seeking = false;
  readonly duration: number;
  /** Every time assigned to currentTime. */
  seeks: number[] = [];
  playError: Error | null = null;
  #time = 0;

  constructor(duration = Number.NaN) {
    this.duration = duration;
  }

  get currentTime(): number {
    return this.#time;
  }

  set currentTime(value: number) {
    this.#time = value;
    this.seeks.push(value);
  }

  play(): Promise<void> {
    if (this.playError) return Promise.reject(this.playError);
    this.paused = false;
    return Promise.resolve();
  }

  pause(): void {
    this.paused = true;
  }

  /** Plays on for `seconds` of wall time at its own rate, as a real element would (no seek). */
  advance(seconds: number): void {
    if (!this.paused) this.#time = Math.min(this.duration || Infinity, this.#time + seconds * this.playbackRate);
  }
}

function setup(span: number | null = 4) {
  let now = 0;
  const clock = new CompareClock(span, () => now);
  const videos = [new FakeVideo(8), new FakeVideo(8), new FakeVideo(8)];
  const offsets = [0, 1.5, 3];
  videos.forEach((video, i) => clock.attach(`v${i}`, video, offsets[i] as number));
  /** Wall time passes: the clock and every playing video move on. */
  const advance = (seconds: number, drift: number[] = []) => {
    now += seconds * 1000;
    videos.forEach((video, i) => video.advance(seconds + (drift[i] ?? 0)));
  };
  return { clock, videos, offsets, advance };
}

describe('CompareClock', () => {
  it('puts every video at its offset when attached', () => {
    const { videos } = setup();
    expect(videos.map((v) => v.currentTime)).toEqual([0, 1.5, 3]);
    expect(videos.every((v) => v.paused)).toBe(true);
  });

  it('plays, pauses, seeks and changes rate on every video together', () => {
    const { clock, videos, offsets, advance } = setup();
    clock.play();
    expect(clock.playing).toBe(true);
    expect(videos.every((v) => !v.paused)).toBe(true);

    advance(1);
    clock.tick();
    expect(clock.position).toBeCloseTo(1);
    videos.forEach((v, i) => expect(v.currentTime - (offsets[i] as number)).toBeCloseTo(1));

    clock.pause();
    expect(videos.every((v) => v.paused)).toBe(true);
    expect(clock.position).toBeCloseTo(1);

    clock.seek(2.5);
    expect(clock.position).toBe(2.5);
    videos.forEach((v, i) => expect(v.currentTime).toBeCloseTo((offsets[i] as number) + 2.5));

    clock.setRate(0.5);
    expect(videos.map((v) => v.playbackRate)).toEqual([0.5, 0.5, 0.5]);
    clock.seek(0);
    clock.play();
    advance(1);
    clock.tick();
    expect(clock.position).toBeCloseTo(0.5);
    videos.forEach((v, i) => expect(v.currentTime - (offsets[i] as number)).toBeCloseTo(0.5));

    // A rate change while playing continues from the position reached.
    clock.setRate(2);
    advance(0.5);
    clock.tick();
    expect(clock.position).toBeCloseTo(1.5);
  });

  it('re-seeks a video that drifted by more than the tolerance, and only that one', () => {
    const { clock, videos, offsets, advance } = setup();
    clock.play();
    videos.forEach((v) => (v.seeks = []));
    // Video 1 stalls 0.4 s behind; video 2 is a little behind, within the tolerance.
    advance(1, [0, -0.4, -(DRIFT_TOLERANCE_S - 0.05)]);
    clock.tick();
    expect(videos[0]?.seeks).toEqual([]);
    expect(videos[1]?.seeks).toEqual([(offsets[1] as number) + 1]);
    expect(videos[2]?.seeks).toEqual([]);
  });

  it('leaves a video alone while its seek is in flight', () => {
    const { clock, videos, advance } = setup();
    clock.play();
    const video = videos[1] as FakeVideo;
    video.seeks = [];
    video.seeking = true;
    advance(1, [0, -0.5]);
    clock.tick();
    expect(video.seeks).toEqual([]);
    video.seeking = false;
    clock.tick();
    expect(video.seeks).toHaveLength(1);
  });

  it('restarts a video the browser paused while the others play', () => {
    const { clock, videos, advance } = setup();
    clock.play();
    videos[2]?.pause();
    advance(0.5);
    clock.tick();
    expect(videos[2]?.paused).toBe(false);
  });

  it('stops at the end of the span and plays again from the start', () => {
    const { clock, videos, advance } = setup(2);
    clock.play();
    advance(2.5);
    clock.tick();
    expect(clock.playing).toBe(false);
    expect(clock.position).toBe(2);
    expect(videos.every((v) => v.paused)).toBe(true);
    clock.play();
    expect(clock.position).toBe(0);
    expect(videos[0]?.currentTime).toBe(0);
  });

  it('seeks within the span only', () => {
    const { clock } = setup(4);
    clock.seek(9);
    expect(clock.position).toBe(4);
    clock.seek(-1);
    expect(clock.position).toBe(0);
  });

  it('drops a video that fails and keeps the others in step', async () => {
    const { clock, videos, advance } = setup();
    clock.fail('v1');
    expect([...clock.failed]).toEqual(['v1']);
    const broken = videos[1] as FakeVideo;
    broken.seeks = [];
    clock.play();
    expect(broken.paused).toBe(true);
    advance(1);
    clock.tick();
    expect(broken.seeks).toEqual([]);
    expect(videos[0]?.paused).toBe(false);

    // play() rejecting with NotSupportedError is a failure too; an AbortError (pause during play) is not.
    clock.pause();
    const aborted = Object.assign(new Error('interrupted by pause'), { name: 'AbortError' });
    (videos[0] as FakeVideo).playError = aborted;
    (videos[2] as FakeVideo).playError = Object.assign(new Error('no decoder'), { name: 'NotSupportedError' });
    clock.play();
    await Promise.resolve();
    await Promise.resolve();
    expect([...clock.failed].sort()).toEqual(['v1', 'v2']);
  });

  it('does not seek a video past its end, and takes the span once known', () => {
    let now = 0;
    const clock = new CompareClock(null, () => now);
    const short = new FakeVideo(1);
    clock.attach('short', short, 0);
    expect(clock.span).toBe(0);
    clock.setSpan(3);
    expect(clock.span).toBe(3);
    clock.play();
    now = 2000;
    short.advance(2);
    short.seeks = [];
    clock.tick();
    expect(clock.position).toBeCloseTo(2);
    expect(short.seeks).toEqual([]);
  });

  it('grows the span to the longest whole video, never shrinks it', () => {
    const clock = new CompareClock(4.7, () => 0);
    clock.extendSpan(12.3);
    expect(clock.span).toBe(12.3);
    clock.extendSpan(10);
    clock.extendSpan(Number.NaN);
    expect(clock.span).toBe(12.3);
  });

  it('starts a video attached while playing at the master position', () => {
    let now = 0;
    const clock = new CompareClock(5, () => now);
    clock.play();
    now = 1200;
    const late = new FakeVideo(8);
    clock.attach('late', late, 0.5);
    expect(late.paused).toBe(false);
    expect(late.currentTime).toBeCloseTo(1.7);
  });
});
