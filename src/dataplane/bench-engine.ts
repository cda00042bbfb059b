// Micro-benchmark of the data plane's hot path, side by side with its floor:
//   (a) end to end: read pcap records, decode, decide, VXLAN-encapsulate into an output pcap;
//   (b) baseline: read the same records and write them out unchanged.
// Both read the capture in 1 MiB chunks, so records straddle chunk boundaries as from a file, and
// both write into an output buffer allocated once and reused across rounds: the best of three
// rounds then measures the code, not the kernel's first-touch page faults on fresh memory.
//
//   node dist/src/dataplane/bench-engine.js [frames]

import { pathToFileURL } from 'node:url';
import { CaptureReader } from './capture-reader.js';
import type { MirrorConfig, RuleConfig } from './config.js';
import { dnsQuery, icmpEchoFrame, tcpFrame, udpFrame, buildArpFrame } from './frame-builder.js';
import { MirrorEngine } from './mirror-engine.js';
import { PcapWriter } from './pcap-writer.js';

export interface EngineBenchResult {
  frames: number;
  /** Frames per second read, decided and encapsulated (mirrored or not). */
  endToEndFramesPerSecond: number;
  /** Frames per second read and written unchanged. */
  readWriteFramesPerSecond: number;
  /** endToEnd / readWrite. */
  ratio: number;
  mirrored: number;
  inputBytes: number;
  outputBytes: number;
}

const CHUNK = 1 << 20;
const ENI_IPV4 = '10.0.0.5';
const ENI_IPV6 = '2001:db8::5';

export function benchConfig(): MirrorConfig {
  const rule = (n: number, direction: 'ingress' | 'egress', action: 'accept' | 'reject', extra: Partial<RuleConfig>): RuleConfig => ({
    ruleId: `tmfr-${direction}-${n}`,
    ruleNumber: n,
    direction,
    action,
    sourceCidr: '0.0.0.0/0',
    destinationCidr: '0.0.0.0/0',
    ...extra,
  });
  return {
    enis: [{ networkInterfaceId: 'eni-bench', macAddress: '02:00:00:00:00:05', primaryIpv4: ENI_IPV4, ipv4Addresses: [ENI_IPV4], ipv6Addresses: [ENI_IPV6], vpcIpv4Cidrs: ['10.0.0.0/16'], mtu: 9001 }],
    filters: [
      {
        // Ten rules that the traffic below walks through before matching: the common worst case.
        filterId: 'tmf-ten',
        networkServices: ['amazon-dns'],
        rules: [
          rule(10, 'ingress', 'reject', { protocol: 6, destinationPorts: { from: 22, to: 22 }, sourceCidr: '192.168.0.0/16', destinationCidr: '10.0.0.0/16' }),
          rule(20, 'ingress', 'accept', { protocol: 6, sourceCidr: '10.1.0.0/16', destinationCidr: '10.0.0.0/16', destinationPorts: { from: 8000, to: 8999 } }),
          rule(30, 'ingress', 'accept', { protocol: 17, sourceCidr: '10.2.0.0/16', destinationCidr: '10.0.0.0/16' }),
          rule(40, 'ingress', 'accept', { protocol: 6, sourceCidr: '::/0', destinationCidr: '::/0' }),
          rule(50, 'ingress', 'accept', { protocol: 6 }),
          rule(10, 'egress', 'reject', { protocol: 17, destinationPorts: { from: 123, to: 123 } }),
          rule(20, 'egress', 'accept', { protocol: 6, destinationCidr: '172.16.0.0/12', destinationPorts: { from: 443, to: 443 } }),
          rule(30, 'egress', 'accept', { protocol: 1 }),
          rule(40, 'egress', 'accept', { protocol: 6, sourceCidr: '::/0', destinationCidr: '::/0', destinationPorts: { from: 443, to: 443 } }),
          rule(50, 'egress', 'accept', { protocol: 6 }),
        ],
      },
      { filterId: 'tmf-udp', networkServices: [], rules: [rule(100, 'egress', 'accept', { protocol: 17 }), rule(100, 'ingress', 'accept', { protocol: 17 })] },
    ],
    targets: [{ targetId: 'tmt-bench', type: 'network-interface', address: '10.0.9.9', macAddress: '02:00:00:00:00:99', mtu: 9001 }],
    sessions: [
      { sessionId: 'tms-ten', sessionNumber: 1, networkInterfaceId: 'eni-bench', filterId: 'tmf-ten', targetId: 'tmt-bench', virtualNetworkId: 1001 },
      { sessionId: 'tms-udp', sessionNumber: 2, networkInterfaceId: 'eni-bench', filterId: 'tmf-udp', targetId: 'tmt-bench', virtualNetworkId: 1002, packetLength: 128 },
    ],
  };
}

/**
 * A few thousand distinct frames of mixed flows and sizes (median around 300 bytes), seen on an ENI
 * with these addresses in VPC 10.0.0.0/16 (bench/replay.ts passes those the EC2 API gave it).
 */
export function benchFrames(eni: { ipv4: string; ipv6: string } = { ipv4: ENI_IPV4, ipv6: ENI_IPV6 }): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const sizes = [0, 0, 40, 120, 400, 1400];
  for (let flow = 0; flow < 4096; flow++) {
    const size = sizes[flow % sizes.length]!;
    const payload = new Uint8Array(size).fill(flow & 0xff);
    const host = `${(flow >> 8) & 0xff}.${flow & 0xff}`;
    const port = 32768 + flow;
    switch (flow % 10) {
      case 0:
      case 1:
        frames.push(tcpFrame(eni.ipv4, port, `172.16.${host}`, 443, { payload })); // egress rule 20
        break;
      case 2:
        frames.push(tcpFrame(`10.1.${host}`, port, eni.ipv4, 8080, { payload })); // ingress rule 20
        break;
      case 3:
        frames.push(tcpFrame(`203.0.${host}`, 443, eni.ipv4, port, { payload })); // ingress rule 50
        break;
      case 4:
        frames.push(udpFrame(eni.ipv4, port, `198.51.${host}`, 4500, { payload })); // session 2
        break;
      case 5:
        frames.push(tcpFrame(eni.ipv6, port, `2001:db8:1::${flow.toString(16)}`, 443, { payload, ethernet: { vlans: [{ id: 42 }] } })); // egress rule 40
        break;
      case 6:
        frames.push(icmpEchoFrame(eni.ipv4, `198.51.${host}`, { identifier: flow, payload })); // egress rule 30
        break;
      case 7:
        frames.push(udpFrame(eni.ipv4, port, '10.0.0.2', 53, { payload: dnsQuery(`host${flow}.example.com`) })); // Amazon DNS, enabled
        break;
      case 8:
        frames.push(udpFrame(eni.ipv4, port, `198.51.${host}`, 123, { payload })); // rejected, then session 2
        break;
      default:
        frames.push(flow % 20 === 9 ? buildArpFrame({ senderMac: '02:00:00:00:00:07', senderIp: '10.0.0.7', targetIp: eni.ipv4 }) : tcpFrame(`10.3.${host}`, port, `10.4.${host}`, 80, { payload })); // never / not ENI
    }
  }
  return frames;
}

export function buildBenchCapture(frameCount: number, frames = benchFrames()): Uint8Array {
  const averageLength = frames.reduce((sum, frame) => sum + frame.length, 0) / frames.length;
  const writer = new PcapWriter({ bufferSize: Math.ceil(frameCount * (averageLength + 16) * 1.05) + 1024 });
  for (let i = 0; i < frameCount; i++) {
    const frame = frames[(i * 2654435761) % frames.length]!; // a spread order, not flow after flow
    writer.writeRecord(1_700_000_000 + Math.floor(i / 1000), (i % 1000) * 1000, frame, 0, frame.length);
  }
  return writer.bytes();
}

function feed(reader: CaptureReader, capture: Uint8Array, from: number): number {
  const to = Math.min(from + CHUNK, capture.length);
  reader.push(capture.subarray(from, to));
  if (to === capture.length) reader.end();
  return to;
}

/** (b): every record read and written unchanged. Returns records written and output bytes. */
export function runReadWrite(capture: Uint8Array, output: Uint8Array): { records: number; bytes: number } {
  const reader = new CaptureReader();
  const writer = new PcapWriter({ buffer: output });
  const record = reader.record;
  let fed = 0;
  for (;;) {
    while (reader.next()) {
      writer.writeRecord(record.seconds, record.microseconds, record.buffer, record.offset, record.capturedLength, record.originalLength);
    }
    if (reader.state !== 'reading') break;
    fed = feed(reader, capture, fed);
  }
  if (reader.state === 'error') throw new Error(`bench capture unreadable: ${reader.errorMessage}`);
  return { records: writer.recordsWritten, bytes: writer.length };
}

/** (a): every record read, decided and, when mirrored, encapsulated into the output capture. */
export function runEndToEnd(engine: MirrorEngine, eniId: string, capture: Uint8Array, output: Uint8Array): { records: number; mirrored: number; bytes: number } {
  const reader = new CaptureReader();
  const writer = new PcapWriter({ buffer: output });
  const record = reader.record;
  const eni = engine.eniIndex(eniId);
  let fed = 0;
  let records = 0;
  for (;;) {
    while (reader.next()) {
      records++;
      const decision = engine.decide(eni, record.buffer, record.offset, record.capturedLength);
      if (!decision.mirrored) continue;
      const at = writer.reserve(engine.maxEncapsulatedLength(record.capturedLength));
      const written = engine.encapsulate(writer.buffer, at, record.buffer, record.offset, record.capturedLength);
      writer.commit(record.seconds, record.microseconds, written);
    }
    if (reader.state !== 'reading') break;
    fed = feed(reader, capture, fed);
  }
  if (reader.state === 'error') throw new Error(`bench capture unreadable: ${reader.errorMessage}`);
  return { records, mirrored: writer.recordsWritten, bytes: writer.length };
}

/** Builds a capture of `frames` records and times (a) against (b); the best of three runs each. */
export function benchEngine(frames: number): EngineBenchResult {
  const capture = buildBenchCapture(frames);
  const engine = MirrorEngine.compile(benchConfig());
  const outputSize = Math.ceil(capture.length * 1.25) + 1024;
  const plainOutput = new Uint8Array(outputSize);
  const mirrorOutput = new Uint8Array(outputSize);
  let readWrite = Infinity;
  let endToEnd = Infinity;
  let mirrored = 0;
  let outputBytes = 0;
  for (let round = 0; round < 3; round++) {
    let started = process.hrtime.bigint();
    const plain = runReadWrite(capture, plainOutput);
    readWrite = Math.min(readWrite, Number(process.hrtime.bigint() - started) / 1e9);
    if (plain.records !== frames) throw new Error(`read/write saw ${plain.records} of ${frames} records`);

    started = process.hrtime.bigint();
    const result = runEndToEnd(engine, 'eni-bench', capture, mirrorOutput);
    endToEnd = Math.min(endToEnd, Number(process.hrtime.bigint() - started) / 1e9);
    if (result.records !== frames) throw new Error(`end to end saw ${result.records} of ${frames} records`);
    mirrored = result.mirrored;
    outputBytes = result.bytes;
  }
  const endToEndFramesPerSecond = Math.round(frames / endToEnd);
  const readWriteFramesPerSecond = Math.round(frames / readWrite);
  return {
    frames,
    endToEndFramesPerSecond,
    readWriteFramesPerSecond,
    ratio: Math.round((endToEndFramesPerSecond / readWriteFramesPerSecond) * 1000) / 1000,
    mirrored,
    inputBytes: capture.length,
    outputBytes,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const frames = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(benchEngine(frames), null, 2));
}
