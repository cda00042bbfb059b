// --vxlan-sink: every mirrored packet also leaves as a real UDP datagram (VXLAN header + inner
// frame) to a collector. Two collectors on loopback, one for every target and one mapped to the ENI
// target; the datagrams must carry exactly what the pcap files carry after the outer UDP header,
// and tshark must decode them as VXLAN (captured live on lo; where a live capture cannot start,
// from a pcap of the received datagrams).

import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { udpFrame } from '../src/dataplane/frame-builder.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';
import { buildTopology, readCapture, replay, trafficCases, TSHARK, writeCapture, type SessionName, type Topology } from './dataplane-fixtures.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

interface Collector {
  socket: Socket;
  port: number;
  received: Buffer[];
}

async function collector(): Promise<Collector> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (message) => received.push(message));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    socket.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // a smaller buffer is enough at this test's rate
  }
  return { socket, port: socket.address().port, received };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** tshark capturing on lo; resolves once it says it is capturing, or undefined if it cannot. */
async function liveCapture(filter: string, decodeAs: string[]): Promise<{ child: ChildProcess; lines: string[] } | undefined> {
  if (!existsSync(TSHARK)) return undefined;
  const child = spawn(TSHARK, ['-i', 'lo', '-l', '-f', filter, ...decodeAs.flatMap((d) => ['-d', d]), '-T', 'fields', '-E', 'separator=|', '-e', 'udp.dstport', '-e', 'vxlan.vni', '-e', 'eth.type'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stopping it stops the dumpcap it starts
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter((line) => line.length > 0));
  });
  let stderr = '';
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 8_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/Capturing on/.test(stderr)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!started) {
    await stopCapture(child);
    return undefined;
  }
  await new Promise((resolve) => setTimeout(resolve, 300)); // the capture filter is attached by now
  return { child, lines };
}

/** Stops tshark and its dumpcap: politely, then the whole process group. */
async function stopCapture(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3_000);
  await exited;
  clearTimeout(timer);
  try {
    process.kill(-child.pid!, 'SIGKILL'); // a dumpcap left behind
  } catch {
    // none
  }
}

let dir: string;
let t: Topology;
let server: ServerProcess;
let all: Collector;
let enis: Collector;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mirrorlite-sink-'));
  // The per-target mapping names a target ID, which exists only once the API made it: make the
  // resources on a persistent server, then restart it with the sinks.
  const first = await startServerProcess(['--data-dir', dir]);
  t = await buildTopology(first.url);
  await first.stop();
  all = await collector();
  enis = await collector();
  server = await startServerProcess(['--data-dir', dir, '--vxlan-sink', `127.0.0.1:${all.port}`, '--vxlan-sink', `${t.targets.te}=127.0.0.1:${enis.port}`]);
});

after(async () => {
  await server?.stop();
  all?.socket.close();
  enis?.socket.close();
  rmSync(dir, { recursive: true, force: true });
});

test('mirrored packets reach the collectors as VXLAN datagrams, per-target mapping first', async (context) => {
  const listening = server.logs.find((line) => line.msg === 'listening')!;
  assert.equal(listening.mirrorDir, join(dir, 'mirror'), 'with --data-dir, mirrored packets go to <data-dir>/mirror');
  assert.deepEqual(listening.vxlanSinks, { '*': `127.0.0.1:${all.port}`, [t.targets.te]: `127.0.0.1:${enis.port}` });

  const cases = trafficCases(t);
  const capture = join(dir, 'flows.pcap');
  writeCapture(capture, cases);
  const count = (session: SessionName) => cases.filter((c) => c.onA === session).length;
  const live = await liveCapture(`udp and (port ${all.port} or port ${enis.port})`, [`udp.port==${all.port},vxlan`, `udp.port==${enis.port},vxlan`]);
  context.diagnostic(live ? 'tshark: live capture on lo' : 'tshark: no live capture here; decoding a pcap of the received datagrams');
  try {
    await checkDatagrams(live);
  } finally {
    if (live) await stopCapture(live.child);
  }

  async function checkDatagrams(live: Awaited<ReturnType<typeof liveCapture>>): Promise<void> {

  const summary = await replay(server.url, capture, t.a.id);
  assert.equal(summary.mirrorDir, join(dir, 'mirror'));
  assert.deepEqual(summary.datagrams, {
    [t.targets.te]: { sink: `127.0.0.1:${enis.port}`, sent: count('s1'), errors: 0 },
    [t.targets.tn]: { sink: `127.0.0.1:${all.port}`, sent: count('s2'), errors: 0 },
  });
  await until(() => enis.received.length >= count('s1') && all.received.length >= count('s2'), 'the datagrams');
  assert.equal(enis.received.length, count('s1'));
  assert.equal(all.received.length, count('s2'));

  // What follows the outer UDP header in the pcap files is exactly what the collectors received.
  const payloads = (target: string) => readCapture(summary.outputFiles[target]!).map((record) => record.bytes.subarray(14 + 20 + 8));
  assert.deepEqual(enis.received, payloads(t.targets.te));
  assert.deepEqual(all.received, payloads(t.targets.tn));
  for (const datagram of [...enis.received, ...all.received]) {
    assert.equal(datagram[0], 0x08, 'VXLAN flags: VNI present');
    assert.ok([101, 102].includes(datagram.readUIntBE(4, 3)));
  }

  // tshark's reading: every datagram a VXLAN packet with the session's VNI and an Ethernet frame inside.
  let rows: string[][];
  if (live) {
    await until(() => live.lines.length >= count('s1') + count('s2'), 'tshark to see every datagram');
    rows = live.lines.map((line) => line.split('|'));
  } else {
    if (!existsSync(TSHARK)) return;
    // No live capture here: the received datagrams, in their own loopback UDP frames, as a file.
    const writer = new PcapWriter();
    for (const [collector, datagrams] of [[enis, enis.received], [all, all.received]] as const) {
      for (const datagram of datagrams) {
        const frame = udpFrame('127.0.0.1', 40000, '127.0.0.1', collector.port, { payload: datagram });
        writer.writeRecord(1_700_000_000, 0, frame, 0, frame.length);
      }
    }
    const file = join(dir, 'received.pcap');
    (await import('node:fs')).writeFileSync(file, writer.bytes());
    const text = execFileSync(TSHARK, ['-r', file, '-d', `udp.port==${all.port},vxlan`, '-d', `udp.port==${enis.port},vxlan`, '-T', 'fields', '-E', 'separator=|', '-e', 'udp.dstport', '-e', 'vxlan.vni', '-e', 'eth.type'], { encoding: 'utf8' });
    rows = text.trim().split('\n').map((line) => line.split('|'));
  }
  const byPort = (port: number) => rows.filter((row) => row[0]!.split(',')[0] === String(port)); // inner UDP adds its own ports
  assert.equal(byPort(enis.port).length, count('s1'));
  assert.equal(byPort(all.port).length, count('s2'));
  assert.ok(byPort(enis.port).every((row) => row[1] === '101'), 'VNI 101 on the ENI target sink');
  assert.ok(byPort(all.port).every((row) => row[1] === '102'), 'VNI 102 on the all-targets sink');
  assert.ok(rows.every((row) => /0x0*8(00|6dd|100)/.test(row[2]!)), 'tshark reads an inner Ethernet frame (IPv4, IPv6 or 802.1Q) in each');
  }
});

test('--vxlan-sink refuses what is not HOST:PORT', async () => {
  await assert.rejects(startServerProcess(['--vxlan-sink', 'localhost']), /HOST:PORT/);
  await assert.rejects(startServerProcess(['--vxlan-sink', 'eni-123=127.0.0.1:4789']), /traffic mirror target ID/);
});
