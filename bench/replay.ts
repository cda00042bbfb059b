// Replay throughput, side by side in one run, on one 1,000,000-frame capture (bench-engine's mixed
// flows; a 10-rule filter and a second session, configured through the EC2 API):
//   (a) `mirrorlite replay` end to end: a CLI process reads the file and streams it over HTTP to
//       the server, which decides, encapsulates and appends every mirrored frame to the target's
//       pcap file on disk; timed from spawning the CLI to its exit;
//   (b) reading and writing the same capture with no mirroring, over the same path: the same
//       `mirrorlite replay` client streams the file to a bare node:http server that parses every
//       record with the same CaptureReader and writes it unchanged with PcapWriter to a file (the
//       counterpart of the bare node:http ceiling of the Describe benchmark);
//   (b-) the strictest floor: the capture read and written file to file in one process, no HTTP;
//   (t) the transport alone: the same client streams the file to a bare node:http server that
//       reads the body and drops it: the CLI's start-up and HTTP, the ceiling of any replay;
//   (c) the engine alone, in memory (bench-engine), to show where the time goes.
// (a), (b), (b-) and (t) alternate over several rounds after one warm-up each; medians are reported.

import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchConfig, benchEngine, benchFrames, buildBenchCapture } from '../src/dataplane/bench-engine.js';
import { CaptureReader } from '../src/dataplane/capture-reader.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';
import { BARE_CAPTURE_SERVER, CLI, ec2, field, freePort, median, startMirrorlite, startProcess, type Row } from './support.js';

const ACCESS_KEY = 'AKIDEXAMPLE';
const CHUNK = 4 * 1024 * 1024;

interface Setup {
  eni: string;
  ipv4: string;
  ipv6: string;
}

/** The VPC, ENIs, filters (bench-engine's, rule for rule), target and sessions, through the EC2 API. */
export async function configure(url: string): Promise<Setup> {
  const call = (action: string, params: Record<string, string | number> = {}) => ec2(url, action, params, ACCESS_KEY);
  const vpcXml = await call('CreateVpc', { CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' });
  const vpc = field(vpcXml, 'vpcId');
  const vpcIpv6 = field(vpcXml, 'ipv6CidrBlock'); // a /56
  const subnet = field(await call('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.0.0/24', Ipv6CidrBlock: vpcIpv6.replace('/56', '/64') }), 'subnetId');
  const source = await call('CreateNetworkInterface', { SubnetId: subnet, PrivateIpAddress: '10.0.0.5', Ipv6AddressCount: 1 });
  const eni = field(source, 'networkInterfaceId');
  const ipv6 = field(source, 'ipv6Address');
  const appliance = field(await call('CreateNetworkInterface', { SubnetId: subnet, PrivateIpAddress: '10.0.0.9' }), 'networkInterfaceId');
  const target = field(await call('CreateTrafficMirrorTarget', { NetworkInterfaceId: appliance }), 'trafficMirrorTargetId');
  const config = benchConfig();
  const filterIds = new Map<string, string>();
  for (const filter of config.filters) {
    const id = field(await call('CreateTrafficMirrorFilter', { Description: filter.filterId }), 'trafficMirrorFilterId');
    filterIds.set(filter.filterId, id);
    for (const [i, service] of filter.networkServices.entries()) await call('ModifyTrafficMirrorFilterNetworkServices', { TrafficMirrorFilterId: id, [`AddNetworkService.${i + 1}`]: service });
    for (const rule of filter.rules) {
      const params: Record<string, string | number> = {
        TrafficMirrorFilterId: id,
        TrafficDirection: rule.direction,
        RuleNumber: rule.ruleNumber,
        RuleAction: rule.action,
        SourceCidrBlock: rule.sourceCidr,
        DestinationCidrBlock: rule.destinationCidr,
      };
      if (rule.protocol !== undefined) params.Protocol = rule.protocol;
      if (rule.sourcePorts) Object.assign(params, { 'SourcePortRange.FromPort': rule.sourcePorts.from, 'SourcePortRange.ToPort': rule.sourcePorts.to });
      if (rule.destinationPorts) Object.assign(params, { 'DestinationPortRange.FromPort': rule.destinationPorts.from, 'DestinationPortRange.ToPort': rule.destinationPorts.to });
      await call('CreateTrafficMirrorFilterRule', params);
    }
  }
  for (const session of config.sessions) {
    await call('CreateTrafficMirrorSession', {
      NetworkInterfaceId: eni,
      TrafficMirrorTargetId: target,
      TrafficMirrorFilterId: filterIds.get(session.filterId)!,
      SessionNumber: session.sessionNumber,
      VirtualNetworkId: session.virtualNetworkId,
      ...(session.packetLength !== undefined ? { PacketLength: session.packetLength } : {}),
    });
  }
  return { eni, ipv4: '10.0.0.5', ipv6 };
}

/** (b): read and write the capture unchanged, file to file, in this process. Returns seconds. */
function readWriteFile(input: string, output: string): { seconds: number; records: number } {
  const started = process.hrtime.bigint();
  const fdIn = openSync(input, 'r');
  const fdOut = openSync(output, 'w');
  const reader = new CaptureReader();
  const writer = new PcapWriter({ bufferSize: CHUNK, sink: (chunk) => writeSync(fdOut, chunk) });
  const record = reader.record;
  const chunk = Buffer.allocUnsafe(CHUNK);
  try {
    for (;;) {
      // The chunk is reused: the reader is done with it once next() returns false.
      while (reader.next()) writer.writeRecord(record.seconds, record.microseconds, record.buffer, record.offset, record.capturedLength, record.originalLength);
      if (reader.state !== 'reading') break;
      const read = readSync(fdIn, chunk, 0, CHUNK, null);
      if (read === 0) reader.end();
      else reader.push(read === CHUNK ? chunk : chunk.subarray(0, read));
    }
    writer.flush();
  } finally {
    closeSync(fdIn);
    closeSync(fdOut);
  }
  if (reader.state !== 'done') throw new Error(`baseline could not read the capture: ${reader.errorMessage}`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, records: writer.recordsWritten };
}

interface ReplayRun {
  seconds: number;
  bytesIn: number;
  serverSeconds: number;
  framesRead: number;
  mirrored: number;
  outputFiles: string[];
}

/** (a): the real CLI, as a user runs it. Returns wall seconds from spawn to exit. */
function replayWithCli(url: string, file: string, eni: string): Promise<ReplayRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, 'replay', file, '--eni', eni, '--endpoint', url, '--access-key', ACCESS_KEY], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`mirrorlite replay exited with ${code}: ${stderr}`));
      const summary = JSON.parse(stdout) as { framesRead: number; bytesIn: number; mirrored: Record<string, number>; outputFiles: Record<string, string>; seconds: number };
      resolve({
        seconds,
        bytesIn: summary.bytesIn,
        serverSeconds: summary.seconds,
        framesRead: summary.framesRead,
        mirrored: Object.values(summary.mirrored).reduce((a, b) => a + b, 0),
        outputFiles: Object.values(summary.outputFiles),
      });
    });
  });
}

const perSecond = (frames: number, seconds: number) => Math.round(frames / seconds);
const fmt = (n: number) => n.toLocaleString('en-US');

export async function replayBenchmark(frames = 1_000_000, rounds = 5): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-replay-bench-'));
  const server = await startMirrorlite(await freePort(), ['--mirror-dir', join(dir, 'mirror'), '--log-level', 'warn']);
  try {
    const setup = await configure(server.url);
    const capturePath = join(dir, 'capture.pcap');
    writeFileSync(capturePath, buildBenchCapture(frames, benchFrames(setup)));
    const captureBytes = statSync(capturePath).size;
    const plainPath = join(dir, 'plain.pcap');

    const barePort = await freePort();
    const bare = await startProcess(process.execPath, [BARE_CAPTURE_SERVER, String(barePort), dir], barePort);
    const discardPort = await freePort();
    const discard = await startProcess(process.execPath, [BARE_CAPTURE_SERVER, String(discardPort), dir, '--discard'], discardPort);

    const cli: ReplayRun[] = [];
    const sameTransport: number[] = [];
    const plain: number[] = [];
    const transportOnly: number[] = [];
    try {
      for (let round = 0; round <= rounds; round++) {
        const base = readWriteFile(capturePath, plainPath);
        if (base.records !== frames) throw new Error(`baseline wrote ${base.records} of ${frames} frames`);
        rmSync(plainPath);
        const floor = await replayWithCli(bare.url, capturePath, setup.eni);
        if (floor.framesRead !== frames) throw new Error(`the bare server read ${floor.framesRead} of ${frames} frames`);
        for (const file of floor.outputFiles) rmSync(file, { force: true });
        const transport = await replayWithCli(discard.url, capturePath, setup.eni);
        if (transport.bytesIn !== captureBytes) throw new Error(`the discarding server received ${transport.bytesIn} of ${captureBytes} bytes`);
        const run = await replayWithCli(server.url, capturePath, setup.eni);
        if (run.framesRead !== frames) throw new Error(`replay read ${run.framesRead} of ${frames} frames`);
        for (const file of run.outputFiles) rmSync(file, { force: true });
        if (round === 0) continue; // warm-up: JIT, page cache
        plain.push(base.seconds);
        sameTransport.push(floor.seconds);
        transportOnly.push(transport.seconds);
        cli.push(run);
      }
    } finally {
      await bare.stop();
      await discard.stop();
    }
    const engine = benchEngine(frames);

    const a = perSecond(frames, median(cli.map((run) => run.seconds)));
    const aServer = perSecond(frames, median(cli.map((run) => run.serverSeconds)));
    const b = perSecond(frames, median(sameTransport));
    const ratio = a / b;
    const bStrict = perSecond(frames, median(plain));
    const strictRatio = a / bStrict;
    const t = perSecond(frames, median(transportOnly));
    const section = 'replay';
    return [
      { section, measure: 'capture', value: `${fmt(frames)} frames`, note: `${(captureBytes / 1e6).toFixed(0)} MB; ${fmt(cli[0]!.mirrored)} mirrored per replay; 10-rule filter + 2nd session` },
      { section, measure: '(a) mirrorlite replay, CLI→HTTP→server→pcap', value: `${fmt(a)} frames/s`, note: `median of ${rounds}, wall clock of the CLI process; target ≥ 1,000,000: ${a >= 1_000_000 ? 'met' : 'NOT met'}` },
      { section, measure: '    server side only (summary.seconds)', value: `${fmt(aServer)} frames/s`, note: 'first body byte to last output byte, as the server measures it' },
      { section, measure: '(b) read + write the capture, no mirroring', value: `${fmt(b)} frames/s`, note: 'the same replay client → bare node:http → CaptureReader → PcapWriter → file' },
      { section, measure: '(a) / (b)', value: ratio.toFixed(2), note: `target ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}; rounds alternate (a), (b), (b-), (t) after a warm-up` },
      { section, measure: '(b-) read + write, one process, no HTTP', value: `${fmt(bStrict)} frames/s`, note: 'CaptureReader → PcapWriter, file to file' },
      { section, measure: '(a) / (b-)', value: strictRatio.toFixed(2), note: `the stricter floor; 0.5 ${strictRatio >= 0.5 ? 'met' : 'NOT met'} against it` },
      { section, measure: '(t) transport only: CLI → HTTP, body dropped', value: `${fmt(t)} frames/s`, note: `the CLI's start-up and the upload alone: the ceiling of (a) and (b) on this machine` },
      { section, measure: '(c) engine in memory: decide + encapsulate', value: `${fmt(engine.endToEndFramesPerSecond)} frames/s`, note: 'bench-engine: no HTTP, no files' },
      { section, measure: '(c) engine in memory: read + write only', value: `${fmt(engine.readWriteFramesPerSecond)} frames/s`, note: `ratio ${engine.ratio}` },
    ];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
