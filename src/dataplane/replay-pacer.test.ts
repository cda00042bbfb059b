import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaptureRecord } from './capture-reader.js';
import { parsePaceValue, ReplayPacer } from './replay-pacer.js';

function record(seconds: number, nanoseconds = 0): CaptureRecord {
  const r = new CaptureRecord();
  r.seconds = seconds;
  r.nanoseconds = nanoseconds;
  return r;
}

/** A clock the test moves by hand. */
function manualClock(startMs = 5000) {
  const clock = { ms: startMs, now: () => clock.ms };
  return clock;
}

describe('ReplayPacer', () => {
  it('at a rate, releases frame i at i / rate seconds after the first, whatever the timestamps', () => {
    const clock = manualClock();
    const pacer = new ReplayPacer({ framesPerSecond: 4 }, clock.now);
    assert.equal(pacer.delayOf(record(100)), 0);
    assert.equal(pacer.delayOf(record(50)), 250);
    clock.ms += 100;
    assert.equal(pacer.delayOf(record(50)), 150, 'asked again for the same frame: what is left of the wait');
    clock.ms += 150;
    assert.equal(pacer.delayOf(record(50)), 0);
    assert.equal(pacer.delayOf(record(999)), 250);
  });

  it('catches up after a late wake-up instead of pushing every later frame back', () => {
    const clock = manualClock();
    const pacer = new ReplayPacer({ framesPerSecond: 10 }, clock.now);
    assert.equal(pacer.delayOf(record(0)), 0);
    clock.ms += 350; // the timer fired 250 ms late
    assert.equal(pacer.delayOf(record(0)), 0, 'frame 1 was due at 100 ms');
    assert.equal(pacer.delayOf(record(0)), 0, 'frame 2 at 200');
    assert.equal(pacer.delayOf(record(0)), 0, 'frame 3 at 300');
    assert.equal(pacer.delayOf(record(0)), 50, 'frame 4 at 400');
  });

  it("at the capture's timing, waits the gaps between timestamps divided by the multiplier", () => {
    const clock = manualClock();
    const pacer = new ReplayPacer({ multiplier: 2 }, clock.now);
    assert.equal(pacer.delayOf(record(1_700_000_000, 900_000_000)), 0);
    assert.equal(pacer.delayOf(record(1_700_000_001, 100_000_000)), 100, '200 ms later in the capture, at twice the speed');
    clock.ms += 100;
    assert.equal(pacer.delayOf(record(1_700_000_001, 100_000_000)), 0);
    assert.equal(pacer.delayOf(record(1_700_000_000, 0)), 0, 'a timestamp before the first frame is due at once');
    assert.equal(pacer.delayOf(record(1_700_000_003, 900_000_000)), 1400);
  });

  it('with maxSleepMs, shortens each longer gap to it and brings every later frame that much earlier', () => {
    const clock = manualClock();
    const pacer = new ReplayPacer({ multiplier: 1, maxSleepMs: 500 }, clock.now);
    assert.equal(pacer.delayOf(record(100)), 0);
    assert.equal(pacer.delayOf(record(100, 200_000_000)), 200, 'a gap under the cap is waited in full');
    clock.ms += 200;
    assert.equal(pacer.delayOf(record(100, 200_000_000)), 0);
    assert.equal(pacer.delayOf(record(3700, 200_000_000)), 500, 'an hour of silence: 500 ms');
    clock.ms += 300;
    assert.equal(pacer.delayOf(record(3700, 200_000_000)), 200, 'asked again: the same cut, what is left of the wait');
    clock.ms += 200;
    assert.equal(pacer.delayOf(record(3700, 200_000_000)), 0);
    assert.equal(pacer.delayOf(record(3700, 500_000_000)), 300, 'the next gap as captured, after the cut');
    clock.ms += 300;
    assert.equal(pacer.delayOf(record(3700, 500_000_000)), 0);
    assert.equal(pacer.delayOf(record(3600)), 0, 'a frame out of order is due at once');
    assert.equal(pacer.delayOf(record(3700, 600_000_000)), 100, 'and shortens no gap: this one counts from 3700.5 s');
  });

  it('caps the gaps after scaling them: maxSleepMs is time waited, not capture time', () => {
    const clock = manualClock();
    const pacer = new ReplayPacer({ multiplier: 4, maxSleepMs: 300 }, clock.now);
    assert.equal(pacer.delayOf(record(0)), 0);
    assert.equal(pacer.delayOf(record(1)), 250, '1 s at four times the speed is under the cap');
    clock.ms += 250;
    assert.equal(pacer.delayOf(record(1)), 0);
    assert.equal(pacer.delayOf(record(3)), 300, '2 s is 500 ms scaled: capped');
  });

  it('refuses a pace that is not a positive number', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new ReplayPacer({ framesPerSecond: bad }), RangeError);
      assert.throws(() => new ReplayPacer({ multiplier: bad }), RangeError);
      assert.throws(() => new ReplayPacer({ multiplier: 1, maxSleepMs: bad }), RangeError);
    }
  });
});

describe('parsePaceValue', () => {
  it('reads positive finite numbers and nothing else', () => {
    assert.equal(parsePaceValue('250'), 250);
    assert.equal(parsePaceValue('0.5'), 0.5);
    assert.equal(parsePaceValue('1e3'), 1000);
    for (const bad of ['', ' ', '0', '-2', 'abc', 'Infinity', 'NaN', '10fps']) assert.equal(parsePaceValue(bad), undefined, bad);
  });
});
