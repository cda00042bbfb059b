import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benchConfig, benchEngine, buildBenchCapture, runEndToEnd, runReadWrite } from './bench-engine.js';
import { CaptureReader } from './capture-reader.js';
import { MirrorEngine } from './mirror-engine.js';
import { decodeVxlan } from './vxlan.js';

describe('bench-engine', () => {
  it('produces a readable capture of VXLAN records, one per mirrored frame', () => {
    const frames = 30_000;
    const capture = buildBenchCapture(frames);
    const engine = MirrorEngine.compile(benchConfig());
    const output = new Uint8Array(capture.length * 2);
    const result = runEndToEnd(engine, 'eni-bench', capture, output);
    assert.equal(result.records, frames);
    const counters = engine.counters();
    assert.equal(counters.framesMirrored, result.mirrored);
    assert.ok(result.mirrored > frames * 0.8 && result.mirrored < frames, `${result.mirrored} mirrored`);
    assert.ok((counters.notMirrored['never-mirrored:arp'] ?? 0) > 0 && (counters.notMirrored['not-eni-traffic'] ?? 0) > 0);

    const reader = new CaptureReader();
    reader.push(output.subarray(0, result.bytes));
    reader.end();
    const byVni = new Map<number, number>();
    while (reader.next()) {
      const decoded = decodeVxlan(reader.record.bytes());
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
      assert.equal(decoded.value.ipChecksumValid, true);
      byVni.set(decoded.value.vni, (byVni.get(decoded.value.vni) ?? 0) + 1);
    }
    assert.equal(reader.state, 'done');
    assert.equal(reader.recordsRead, result.mirrored);
    assert.deepEqual([...byVni.keys()].sort(), [1001, 1002]);
    assert.equal(byVni.get(1001), counters.sessions['tms-ten']!.packets);
    assert.equal(byVni.get(1002), counters.sessions['tms-udp']!.packets);

    const plain = runReadWrite(capture, new Uint8Array(capture.length));
    assert.equal(plain.records, frames);
    assert.equal(plain.bytes, capture.length, 'the unchanged copy is byte for byte the input size');
  });

  it('reports rates for both paths', () => {
    const result = benchEngine(20_000);
    assert.equal(result.frames, 20_000);
    assert.ok(result.endToEndFramesPerSecond > 0 && result.readWriteFramesPerSecond > 0);
    assert.ok(result.ratio > 0);
  });
});
