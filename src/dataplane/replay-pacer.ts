// When each frame of a replay is due, for a replay slower than top speed. A collector behind a
// VXLAN sink (tshark, Zeek, Suricata on a laptop) cannot take datagrams as fast as the engine
// makes them, and UDP drops what a full receive buffer cannot hold: pacing is how a user gets all
// of them there. The two ways are tcpreplay's, which builders of monitoring appliances know:
//   * a rate: frame i is due i / rate seconds after the first;
//   * the capture's own timing, scaled: a frame is due (its timestamp - the first frame's) /
//     multiplier after the first (1: as captured; 2: twice as fast).
// Due times are absolute from the first frame, so a timer that fires late is caught up by the
// frames that follow it, not added to every later one. A timestamp earlier than the first frame's
// (captures merged out of order) is due at once.
// With the capture's timing, a quiet stretch of the capture (a night between two bursts) would be
// waited out in full: tcpreplay's --maxsleep caps each wait, and so does `maxSleepMs` here. A gap
// longer than the cap (after scaling) is shortened to it, and every later frame comes that much
// earlier; the gap is measured from the latest timestamp yet, so a frame out of order shortens none.

import type { CaptureRecord } from './capture-reader.js';

export type ReplayPace = { framesPerSecond: number } | { multiplier: number; maxSleepMs?: number };

/** A clock in milliseconds; performance.now() unless a test gives another. */
export type Clock = () => number;

export class ReplayPacer {
  private startMs = -1;
  private firstSeconds = 0;
  private firstNanoseconds = 0;
  private framesReleased = 0;
  /** With the capture's timing: the latest (scaled) timestamp released, and the time cut from gaps. */
  private latestCaptureMs = 0;
  private cutMs = 0;

  constructor(
    readonly pace: ReplayPace,
    private readonly now: Clock = () => performance.now(),
  ) {
    const values = 'framesPerSecond' in pace ? [pace.framesPerSecond] : [pace.multiplier, ...(pace.maxSleepMs === undefined ? [] : [pace.maxSleepMs])];
    for (const value of values) {
      if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`a replay pace must be a positive number, not ${value}`);
    }
  }

  /**
   * Milliseconds until `record` is due, or 0 when it is due now; then it counts as released.
   * Ask again for the same record after waiting.
   */
  delayOf(record: CaptureRecord): number {
    const now = this.now();
    if (this.startMs < 0) {
      this.startMs = now;
      this.firstSeconds = record.seconds;
      this.firstNanoseconds = record.nanoseconds;
    }
    const pace = this.pace;
    if ('framesPerSecond' in pace) return this.release(now, (this.framesReleased * 1000) / pace.framesPerSecond, 0, 0);
    const captureMs = ((record.seconds - this.firstSeconds) * 1000 + (record.nanoseconds - this.firstNanoseconds) / 1e6) / pace.multiplier;
    const gapMs = captureMs - this.latestCaptureMs;
    const cutMs = pace.maxSleepMs !== undefined && gapMs > pace.maxSleepMs ? gapMs - pace.maxSleepMs : 0;
    return this.release(now, captureMs - this.cutMs - cutMs, captureMs, cutMs);
  }

  /** The delay of a frame due `offsetMs` after the first; at 0 it is released, and its cut kept. */
  private release(now: number, offsetMs: number, captureMs: number, cutMs: number): number {
    const delay = this.startMs + offsetMs - now;
    if (delay > 0) return delay;
    this.framesReleased++;
    this.cutMs += cutMs;
    if (captureMs > this.latestCaptureMs) this.latestCaptureMs = captureMs;
    return 0;
  }
}

/** A pace value (a rate or a multiplier) from text: a positive finite number, or undefined. */
export function parsePaceValue(text: string): number | undefined {
  const value = text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
