// Replays in time: a paced replay (`--pps`, `--multiplier`) reaches the VXLAN sink spread over the
// time the pace asks for, all of it, and a Modify made while it runs applies from the next frame;
// a live stream (a capture posted a few frames at a time) reaches the pcap files as it comes.
// Times are asserted as lower bounds, or as generous upper bounds on a wait: a slow machine makes
// a replay longer, never shorter.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { udpFrame } from '../src/dataplane/frame-builder.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';
import { ACCOUNT, buildTopology, clientFlags, readCapture, REGION, runCli, startDataPlaneServer, type DataPlaneServer, type ReplaySummary, type Topology } from './dataplane-fixtures.js';
import { CLI, logLine } from './support/server-process.js';
import { call } from './support/topology.js';

interface Arrival {
  ms: number;
  vni: number;
}

let collector: Socket;
const arrivals: Arrival[] = [];
let dataPlane: DataPlaneServer;
let url: string;
let t: Topology;

before(async () => {
  collector = createSocket('udp4');
  collector.on('message', (message) => arrivals.push({ ms: performance.now(), vni: message.readUIntBE(4, 3) }));
  await new Promise<void>((resolve) => collector.bind(0, '127.0.0.1', resolve));
  dataPlane = await startDataPlaneServer(['--vxlan-sink', `127.0.0.1:${collector.address().port}`]);
  url = dataPlane.server.url;
  t = await buildTopology(url);
});

after(async () => {
  await dataPlane.close();
  collector.close();
});

/** `count` UDP frames that ENI A sends and session S1 mirrors (VNI 101), `gapMs` apart in the capture. */
function writeUdpCapture(name: string, count: number, gapMs: number): string {
  return writeUdpCaptureAt(name, Array.from({ length: count }, (_, i) => i * gapMs));
}

const CAPTURE_EPOCH_MS = 1_700_000_000_000;

/** Such frames, one at each of `timesMs` (milliseconds into the capture). */
function writeUdpCaptureAt(name: string, timesMs: number[]): string {
  const writer = new PcapWriter();
  timesMs.forEach((ms, i) => {
    const frame = udpFrame(t.a.ipv4, 40000 + i, '198.51.100.7', 9000);
    const at = CAPTURE_EPOCH_MS + ms;
    writer.writeRecord(Math.floor(at / 1000), (at % 1000) * 1000, frame, 0, frame.length);
  });
  const file = join(dataPlane.dir, name);
  writeFileSync(file, writer.bytes());
  return file;
}

beforeEach(() => {
  arrivals.length = 0;
});

async function pacedReplay(file: string, pace: string[]): Promise<{ summary: ReplaySummary; ms: number }> {
  const started = performance.now();
  const result = await runCli(['replay', file, '--eni', t.a.id, ...pace, ...clientFlags(url)]);
  assert.equal(result.status, 0, result.stderr);
  return { summary: JSON.parse(result.stdout) as ReplaySummary, ms: performance.now() - started };
}

async function arrivalsOf(count: number): Promise<Arrival[]> {
  for (let waited = 0; arrivals.length < count && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  return arrivals.splice(0, arrivals.length);
}

describe('mirrorlite replay, paced', () => {
  test('--pps 40: twenty frames over at least 19/40 s, every one to the sink', async () => {
    const file = writeUdpCapture('pps.pcap', 20, 1);
    const { summary, ms } = await pacedReplay(file, ['--pps', '40']);
    assert.deepEqual(summary.pace, { framesPerSecond: 40 });
    assert.deepEqual(summary.mirrored, { [t.sessions.s1]: 20 });
    assert.equal(summary.datagrams![t.targets.te]!.sent, 20);
    const got = await arrivalsOf(20);
    assert.equal(got.length, 20);
    const span = got.at(-1)!.ms - got[0]!.ms;
    assert.ok(span >= 450, `the datagrams arrived over ${span.toFixed(0)} ms; 19 gaps of 25 ms take 475`);
    assert.ok(ms >= 450, `the replay took ${ms.toFixed(0)} ms`);
    assert.ok(summary.seconds >= 0.45, `the server says ${summary.seconds} s`);
  });

  test("--multiplier 2: the capture's 100 ms gaps become 50 ms", async () => {
    const file = writeUdpCapture('multiplier.pcap', 10, 100);
    const { summary } = await pacedReplay(file, ['--multiplier', '2']);
    assert.deepEqual(summary.pace, { multiplier: 2 });
    assert.equal(summary.framesRead, 10);
    const got = await arrivalsOf(10);
    assert.equal(got.length, 10);
    for (let i = 1; i < got.length; i++) {
      // Each frame is due 50 ms after the one before it, counted from the first: never earlier.
      assert.ok(got[i]!.ms - got[0]!.ms >= 50 * i - 5, `frame ${i + 1} arrived ${(got[i]!.ms - got[0]!.ms).toFixed(0)} ms after the first`);
    }
    // The pcap keeps the capture's own timestamps, not the replay's.
    const written = readCapture(summary.outputFiles[t.targets.te]!).slice(-10);
    assert.deepEqual(
      written.map((r) => r.seconds * 1000 + r.microseconds / 1000 - CAPTURE_EPOCH_MS),
      Array.from({ length: 10 }, (_, i) => i * 100),
    );
  });

  test('--maxsleep 150 with --multiplier 1: an hour of silence in the capture is waited for 150 ms', async () => {
    const timesMs = [0, 100, 3_600_100, 3_600_200];
    const { summary, ms } = await pacedReplay(writeUdpCaptureAt('maxsleep.pcap', timesMs), ['--multiplier', '1', '--maxsleep', '150']);
    assert.deepEqual(summary.pace, { multiplier: 1, maxSleepMs: 150 });
    assert.ok(ms < 60_000, `the replay took ${ms.toFixed(0)} ms, not an hour`);
    const got = await arrivalsOf(4);
    assert.equal(got.length, 4);
    [0, 100, 250, 350].forEach((dueMs, i) => {
      const arrivedMs = got[i]!.ms - got[0]!.ms;
      assert.ok(arrivedMs >= dueMs - 5, `frame ${i + 1} arrived ${arrivedMs.toFixed(0)} ms after the first, due at ${dueMs}`);
    });
    // Only the waits are cut: the pcap keeps the hour.
    const written = readCapture(summary.outputFiles[t.targets.te]!).slice(-4);
    assert.deepEqual(
      written.map((r) => r.seconds * 1000 + r.microseconds / 1000 - CAPTURE_EPOCH_MS),
      timesMs,
    );
  });

  test('a Modify during a paced replay applies from the next frame', async () => {
    const file = writeUdpCapture('modify.pcap', 30, 1);
    const targetFile = join(dataPlane.mirrorDir, `${t.targets.te}.pcap`);
    const before = readCapture(targetFile).length;
    const replaying = pacedReplay(file, ['--pps', '20']);
    for (let waited = 0; arrivals.length < 5 && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    // The pcap file follows the replay (within 100 ms), not only at the end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = readCapture(targetFile).length - before;
    assert.ok(during >= 5 && during < 30, `${during} frames of this replay were in the file while it ran`);
    let summary: ReplaySummary;
    try {
      await call(url, 'ModifyTrafficMirrorSession', { TrafficMirrorSessionId: t.sessions.s1, VirtualNetworkId: 202 }, ACCOUNT, REGION);
      summary = (await replaying).summary;
    } finally {
      await call(url, 'ModifyTrafficMirrorSession', { TrafficMirrorSessionId: t.sessions.s1, VirtualNetworkId: 101 }, ACCOUNT, REGION);
    }
    assert.deepEqual(summary.mirrored, { [t.sessions.s1]: 30 });
    const vnis = (await arrivalsOf(30)).map((a) => a.vni);
    assert.equal(vnis.length, 30);
    const switchAt = vnis.indexOf(202);
    assert.ok(switchAt >= 5 && switchAt < 30, `VNIs: ${vnis.join(' ')}`);
    assert.deepEqual(vnis, [...Array<number>(switchAt).fill(101), ...Array<number>(30 - switchAt).fill(202)]);
    // The pcap file says the same, frame for frame.
    const written = readCapture(summary.outputFiles[t.targets.te]!).slice(-30);
    assert.deepEqual(
      written.map((r) => r.bytes.readUIntBE(14 + 20 + 8 + 4, 3)),
      vnis,
    );
  });

  test('a client that leaves a paced replay: the server stops it, logs it, and replays the next', async () => {
    const file = writeUdpCapture('abandoned.pcap', 40, 1);
    const child = spawn(process.execPath, [CLI, 'replay', file, '--eni', t.a.id, '--pps', '10', ...clientFlags(url)], { stdio: 'ignore' });
    for (let waited = 0; arrivals.length < 2 && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('close', resolve));
    const line = await logLine(dataPlane.server, (l) => l.msg === 'traffic aborted by the client');
    assert.ok((line.mirrored as number) < 40, `mirrored ${String(line.mirrored)} of 40`);
    assert.deepEqual(line.pace, { framesPerSecond: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = arrivals.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(arrivals.length, stopped, 'no datagram after the client left');
    arrivals.length = 0;
    const { summary } = await pacedReplay(writeUdpCapture('after.pcap', 3, 1), ['--pps', '1000']);
    assert.equal(summary.framesRead, 3);
    assert.equal((await arrivalsOf(3)).length, 3);
  });

  test('a pace that is not a positive number, or both paces: refused before anything is replayed', async () => {
    const file = writeUdpCapture('refused.pcap', 1, 1);
    for (const [pace, message] of [
      [['--pps', '0'], /option '--pps <rate>' argument '0' is invalid\. expected a positive number/],
      [['--multiplier', 'fast'], /option '--multiplier <x>' argument 'fast' is invalid\. expected a positive number/],
      [['--pps', '10', '--multiplier', '2'], /option '--pps <rate>' cannot be used with option '--multiplier <x>'/],
      [['--pps', '10', '--maxsleep', '100'], /option '--maxsleep <ms>' requires option '--multiplier <x>'/],
      [['--multiplier', '1', '--maxsleep', 'soon'], /option '--maxsleep <ms>' argument 'soon' is invalid\. expected a positive number/],
    ] as const) {
      const result = await runCli(['replay', file, '--eni', t.a.id, ...pace, ...clientFlags(url)]);
      assert.equal(result.status, 1, pace.join(' '));
      assert.match(result.stderr, message);
    }
    const post = (query: string) =>
      fetch(`${url}/_mirrorlite/traffic?eni=${t.a.id}&account=${ACCOUNT}&region=${REGION}&${query}`, { method: 'POST', body: new Uint8Array(0) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { code: string; message: string } } }));
    assert.deepEqual(await post('pps=abc'), { status: 400, body: { error: { code: 'InvalidParameterValue', message: 'Value (abc) for parameter pps is invalid. Expected a positive number.' } } });
    assert.deepEqual(await post('multiplier=-1'), { status: 400, body: { error: { code: 'InvalidParameterValue', message: 'Value (-1) for parameter multiplier is invalid. Expected a positive number.' } } });
    assert.deepEqual(await post('pps=5&multiplier=2'), {
      status: 400,
      body: { error: { code: 'InvalidParameterCombination', message: 'The parameters pps and multiplier cannot be used together: pace by one or the other.' } },
    });
    assert.deepEqual(await post('pps=5&maxsleep=100'), {
      status: 400,
      body: { error: { code: 'InvalidParameterCombination', message: "The parameter maxsleep requires multiplier: it caps the waits of the capture's own timing." } },
    });
    assert.deepEqual(await post('multiplier=1&maxsleep=0'), { status: 400, body: { error: { code: 'InvalidParameterValue', message: 'Value (0) for parameter maxsleep is invalid. Expected a positive number.' } } });
    assert.equal(arrivals.length, 0);
    rmSync(file);
  });
});

describe('a live stream', () => {
  test('frames posted a few at a time reach the pcap file while the request is still open', async () => {
    const targetFile = join(dataPlane.mirrorDir, `${t.targets.te}.pcap`);
    const before = readCapture(targetFile).length;
    const frames = (from: number, count: number) => {
      const writer = new PcapWriter();
      for (let i = from; i < from + count; i++) {
        const frame = udpFrame(t.a.ipv4, 41000 + i, '198.51.100.8', 9000);
        writer.writeRecord(1_700_000_100 + i, 0, frame, 0, frame.length);
      }
      return writer.bytes();
    };
    const first = frames(0, 3); // with the file header
    const second = frames(3, 2).subarray(24); // records only
    const upload = httpRequest(`${url}/_mirrorlite/traffic?eni=${t.a.id}&account=${ACCOUNT}&region=${REGION}`, { method: 'POST' });
    const answered = new Promise<string>((resolve, reject) => {
      upload.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      });
      upload.on('error', reject);
    });
    const inFile = async (count: number) => {
      for (let waited = 0; waited < 2000; waited += 25) {
        if (readCapture(targetFile).length - before >= count) return true;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return false;
    };
    upload.write(first);
    assert.ok(await inFile(3), `the first 3 frames were not in ${targetFile} within 2 s of being sent`);
    upload.write(second);
    assert.ok(await inFile(5), 'the next 2 frames were not in the file within 2 s of being sent');
    upload.end();
    const summary = JSON.parse(await answered) as ReplaySummary;
    assert.equal(summary.framesRead, 5);
    assert.equal(readCapture(targetFile).length - before, 5);
  });
});

describe('running replays', () => {
  interface Listed {
    account: string;
    region: string;
    replays: { id: string; networkInterfaceId: string; framesRead: number; mirrored: number; bytesIn: number; bytesParsed: number; seconds: number; pace?: unknown }[];
  }
  const list = async (query = '', account = ACCOUNT) => {
    const response = await fetch(`${url}/_mirrorlite/replays?account=${account}&region=${REGION}${query}`);
    return { status: response.status, body: (await response.json()) as Listed & { error?: { code: string; message: string } } };
  };

  test('GET /_mirrorlite/replays shows a paced replay while it runs, by its ID, to its own account only', async () => {
    const file = writeUdpCapture('listed.pcap', 20, 1);
    const replaying = pacedReplay(file, ['--pps', '20']);
    let listed: Listed['replays'] = [];
    for (let waited = 0; listed.length === 0 && waited < 5000; waited += 20) {
      listed = (await list()).body.replays;
      if (listed.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(listed.length, 1);
    const [running] = listed;
    assert.equal(running!.networkInterfaceId, t.a.id);
    assert.deepEqual(running!.pace, { framesPerSecond: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = (await list(`&id=${running!.id}`)).body.replays[0]!;
    assert.ok(later.framesRead > 0 && later.framesRead < 20, `${later.framesRead} frames read so far`);
    assert.ok(later.bytesParsed < later.bytesIn, `a paced replay parses less than it took in: ${later.bytesParsed} of ${later.bytesIn}`);
    assert.deepEqual((await list('', '999988887777')).body.replays, [], 'another account sees none');
    const duplicate = await fetch(`${url}/_mirrorlite/traffic?eni=${t.a.id}&account=${ACCOUNT}&region=${REGION}&id=${running!.id}`, { method: 'POST', body: new Uint8Array(0) });
    assert.equal(duplicate.status, 400);
    assert.deepEqual(await duplicate.json(), { error: { code: 'InvalidParameterValue', message: `A replay with id ${running!.id} is already running.` } });
    const { summary } = await replaying;
    assert.equal(summary.id, running!.id);
    assert.deepEqual(await list(`&id=${running!.id}`), {
      status: 404,
      body: { error: { code: 'InvalidReplayId.NotFound', message: `The replay '${running!.id}' is not running.` } },
    });
    assert.deepEqual((await list()).body, { account: ACCOUNT, region: REGION, replays: [] });
  });

  test('a replay ID of the caller\'s choosing, and one that is not a name', async () => {
    const file = writeUdpCapture('named.pcap', 2, 1);
    const { readFileSync } = await import('node:fs');
    const post = (id: string) => fetch(`${url}/_mirrorlite/traffic?eni=${t.a.id}&account=${ACCOUNT}&region=${REGION}&id=${encodeURIComponent(id)}`, { method: 'POST', body: readFileSync(file) });
    const named = await post('nightly-run_1.2');
    assert.equal(named.status, 200);
    assert.equal(((await named.json()) as ReplaySummary).id, 'nightly-run_1.2');
    const bad = await post('two words');
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: { code: 'InvalidParameterValue', message: "Value (two words) for parameter id is invalid. Expected 1 to 64 letters, digits, '.', '_' or '-'." } });
  });

  test('on a terminal, the progress bar follows what the server has read, not what the client has sent', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1), which gives the CLI a terminal, is missing' }, async () => {
    const file = writeUdpCapture('bar.pcap', 20, 1);
    const command = [process.execPath, CLI, 'replay', file, '--eni', t.a.id, '--pps', '10', ...clientFlags(url)].map((word) => `'${word}'`).join(' ');
    const output = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/script', ['-qfec', command, '/dev/null'], { encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const states = [...output.matchAll(/replay \[[^\]]*\] (\d+)% \| (\d+) frames/g)].map((m) => ({ percent: Number(m[1]), frames: Number(m[2]) }));
    assert.ok(states.length >= 3, `bar states: ${JSON.stringify(states)}`);
    // The whole capture (a few KB) is sent at once; the bar must still climb with the pace.
    assert.ok(states.some((state) => state.percent > 0 && state.percent < 100 && state.frames > 0 && state.frames < 20), `bar states: ${JSON.stringify(states)}`);
    for (let i = 1; i < states.length; i++) assert.ok(states[i]!.frames >= states[i - 1]!.frames, `bar states: ${JSON.stringify(states)}`);
    assert.match(output, /"framesRead": 20/);
  });

  test('on a terminal, a capture read from a pipe, which has no size, gets a counter instead of a bar', { skip: existsSync('/usr/bin/script') ? false : 'util-linux script(1), which gives the CLI a terminal, is missing' }, async () => {
    const file = writeUdpCapture('piped.pcap', 20, 1);
    const replay = [process.execPath, CLI, 'replay', '-', '--eni', t.a.id, '--pps', '10', ...clientFlags(url)].map((word) => `'${word}'`).join(' ');
    const output = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/script', ['-qfec', `cat '${file}' | ${replay}`, '/dev/null'], { encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const states = [...output.matchAll(/replay \| (\d+) frames \| [\d.]+ MB \| \d+ frames\/s/g)].map((m) => Number(m[1]));
    assert.ok(states.some((frames) => frames > 0 && frames < 20), `counter states: ${JSON.stringify(states)}`);
    assert.doesNotMatch(output, /%|ETA/);
    assert.match(output, /"framesRead": 20/);
  });
});
