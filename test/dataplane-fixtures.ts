/**
 * What the data-plane suites share: a topology built through the EC2 API, a capture of many flows
 * with the fate each frame must meet on each source ENI (written by hand from the rules below, not
 * computed by the engine), the real `mirrorlite` CLI, and a pcap reader.
 *
 *   VPC 10.0.0.0/16 (+ Amazon IPv6 /56), subnet 10.0.1.0/24 (+ its first /64); resolver 10.0.0.2
 *   ENI A 10.0.1.10 (+ 10.0.1.11, <subnet>::a)    ENI B 10.0.1.20    ENI T 10.0.1.100, tag mirrorlite:mtu=200
 *   F1 amazon-dns; in 10 reject tcp 192.168.0.0/16 → any dport 22; in 20 accept tcp any dport 80-443;
 *      out 10 accept udp sport 1024-65535; out 20 accept any ::/0 → ::/0
 *   F2 in 10 accept any 0.0.0.0/0; in 20 accept icmpv6 ::/0; out 10 accept icmp; out 20 reject tcp
 *   F3 out 10 accept tcp
 *   TE → ENI T;  TN → NLB;  TG → GWLB endpoint, tag mirrorlite:address=198.19.7.7
 *   S1: A, #1, F1 → TE, VNI 101      S2: A, #5, F2 → TN, VNI 102 (PacketLength 8500, NLB default)
 *   S3: B, #1, F3 → TG, VNI 103, PacketLength 64
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplaySummary as ServerReplaySummary } from '../src/server/traffic-replay.js';
import { CaptureReader } from '../src/dataplane/capture-reader.js';
import { buildArpFrame, dhcpDiscover, dnsQuery, icmpEchoFrame, tcpFrame, udpFrame } from '../src/dataplane/frame-builder.js';
import { PcapWriter } from '../src/dataplane/pcap-writer.js';
import { MTU_BUDGET_GAP } from '../src/dataplane/vxlan.js';
import { startServerProcess, CLI, type ServerProcess } from './support/server-process.js';
import { call, field, GWLBE_ID, NLB_ARN, tagSpecification } from './support/topology.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const TSHARK = '/usr/bin/tshark';
export const GWLB_ADDRESS = '198.19.7.7';
export const TARGET_MTU = 200;
/** Outer IPv4 + UDP + VXLAN, plus the 4 bytes of AWS's 54-byte budget that are not written: an ENI target's MTU leaves the inner frame MTU minus this. */
export const MTU_OVERHEAD = 36 + MTU_BUDGET_GAP;

export interface DataPlaneServer {
  server: ServerProcess;
  dir: string;
  mirrorDir: string;
  close(): Promise<void>;
}

/** A real `mirrorlite serve` with its own mirror dir in a temporary folder. */
export async function startDataPlaneServer(args: string[] = []): Promise<DataPlaneServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-dataplane-'));
  const mirrorDir = join(dir, 'mirror');
  const server = await startServerProcess(['--mirror-dir', mirrorDir, ...args]);
  return {
    server,
    dir,
    mirrorDir,
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Eni {
  id: string;
  mac: string;
  ipv4: string;
}

export interface Topology {
  a: Eni & { secondary: string; ipv6: string };
  b: Eni;
  t: Eni;
  filters: { f1: string; f2: string; f3: string };
  rules: Record<'f1In10' | 'f1In20' | 'f1Out10' | 'f1Out20' | 'f2In10' | 'f2In20' | 'f2Out10' | 'f2Out20' | 'f3Out10', string>;
  targets: { te: string; tn: string; tg: string };
  sessions: { s1: string; s2: string; s3: string };
}

export type SessionName = 's1' | 's2' | 's3';

export async function buildTopology(url: string): Promise<Topology> {
  const ec2 = (action: string, params: Record<string, string | number> = {}) => call(url, action, params, ACCOUNT, REGION);
  const vpcXml = await ec2('CreateVpc', { CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' });
  const vpc = field(vpcXml, 'vpcId');
  const subnetIpv6 = field(vpcXml, 'ipv6CidrBlock').replace('/56', '/64');
  const subnet = field(await ec2('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.1.0/24', Ipv6CidrBlock: subnetIpv6 }), 'subnetId');
  const ipv6 = subnetIpv6.replace('::/64', '::a');
  const eni = async (params: Record<string, string | number>): Promise<Eni> => {
    const xml = await ec2('CreateNetworkInterface', { SubnetId: subnet, ...params });
    return { id: field(xml, 'networkInterfaceId'), mac: field(xml, 'macAddress'), ipv4: params.PrivateIpAddress as string };
  };
  const a = { ...(await eni({ PrivateIpAddress: '10.0.1.10', 'PrivateIpAddresses.1.PrivateIpAddress': '10.0.1.11', 'Ipv6Addresses.1.Ipv6Address': ipv6 })), secondary: '10.0.1.11', ipv6 };
  const b = await eni({ PrivateIpAddress: '10.0.1.20' });
  const t = await eni({ PrivateIpAddress: '10.0.1.100', ...tagSpecification('network-interface', { 'mirrorlite:mtu': String(TARGET_MTU) }) });

  const filter = async () => field(await ec2('CreateTrafficMirrorFilter', {}), 'trafficMirrorFilterId');
  const filters = { f1: await filter(), f2: await filter(), f3: await filter() };
  await ec2('ModifyTrafficMirrorFilterNetworkServices', { TrafficMirrorFilterId: filters.f1, 'AddNetworkService.1': 'amazon-dns' });
  const rule = async (filterId: string, direction: string, number: number, action: string, params: Record<string, string | number>) =>
    field(
      await ec2('CreateTrafficMirrorFilterRule', { TrafficMirrorFilterId: filterId, TrafficDirection: direction, RuleNumber: number, RuleAction: action, SourceCidrBlock: '0.0.0.0/0', DestinationCidrBlock: '0.0.0.0/0', ...params }),
      'trafficMirrorFilterRuleId',
    );
  const rules = {
    f1In10: await rule(filters.f1, 'ingress', 10, 'reject', { Protocol: 6, SourceCidrBlock: '192.168.0.0/16', 'DestinationPortRange.FromPort': 22, 'DestinationPortRange.ToPort': 22 }),
    f1In20: await rule(filters.f1, 'ingress', 20, 'accept', { Protocol: 6, 'DestinationPortRange.FromPort': 80, 'DestinationPortRange.ToPort': 443 }),
    f1Out10: await rule(filters.f1, 'egress', 10, 'accept', { Protocol: 17, 'SourcePortRange.FromPort': 1024, 'SourcePortRange.ToPort': 65535 }),
    f1Out20: await rule(filters.f1, 'egress', 20, 'accept', { SourceCidrBlock: '::/0', DestinationCidrBlock: '::/0' }),
    f2In10: await rule(filters.f2, 'ingress', 10, 'accept', {}),
    f2In20: await rule(filters.f2, 'ingress', 20, 'accept', { Protocol: 58, SourceCidrBlock: '::/0', DestinationCidrBlock: '::/0' }),
    f2Out10: await rule(filters.f2, 'egress', 10, 'accept', { Protocol: 1 }),
    f2Out20: await rule(filters.f2, 'egress', 20, 'reject', { Protocol: 6 }),
    f3Out10: await rule(filters.f3, 'egress', 10, 'accept', { Protocol: 6 }),
  };
  const targets = {
    te: field(await ec2('CreateTrafficMirrorTarget', { NetworkInterfaceId: t.id }), 'trafficMirrorTargetId'),
    tn: field(await ec2('CreateTrafficMirrorTarget', { NetworkLoadBalancerArn: NLB_ARN }), 'trafficMirrorTargetId'),
    tg: field(
      await ec2('CreateTrafficMirrorTarget', { GatewayLoadBalancerEndpointId: GWLBE_ID, ...tagSpecification('traffic-mirror-target', { 'mirrorlite:address': GWLB_ADDRESS }) }),
      'trafficMirrorTargetId',
    ),
  };
  const session = async (params: Record<string, string | number>) => field(await ec2('CreateTrafficMirrorSession', params), 'trafficMirrorSessionId');
  const sessions = {
    s1: await session({ NetworkInterfaceId: a.id, TrafficMirrorTargetId: targets.te, TrafficMirrorFilterId: filters.f1, SessionNumber: 1, VirtualNetworkId: 101 }),
    s2: await session({ NetworkInterfaceId: a.id, TrafficMirrorTargetId: targets.tn, TrafficMirrorFilterId: filters.f2, SessionNumber: 5, VirtualNetworkId: 102 }),
    s3: await session({ NetworkInterfaceId: b.id, TrafficMirrorTargetId: targets.tg, TrafficMirrorFilterId: filters.f3, SessionNumber: 1, VirtualNetworkId: 103, PacketLength: 64 }),
  };
  return { a, b, t, filters, rules, targets, sessions };
}

/** A session that mirrors the frame, or the reason it is not mirrored. */
export type Fate = SessionName | `reason:${string}`;

export interface TrafficCase {
  name: string;
  frame: Buffer;
  seconds: number;
  microseconds: number;
  onA: Fate;
  onB: Fate;
}

const NOT_ENI = 'reason:not-eni-traffic';

/** The capture's frames, in order, each with its fate on ENI A and on ENI B. */
export function trafficCases(t: Topology): TrafficCase[] {
  const A = t.a.ipv4;
  const A6 = t.a.ipv6;
  const B = t.b.ipv4;
  const far6 = '2001:db8:ffff::1';
  const payload = (n: number, fill = 0x61) => Buffer.alloc(n, fill);
  const list: Omit<TrafficCase, 'seconds' | 'microseconds'>[] = [
    { name: 'https in', frame: tcpFrame('203.0.113.5', 50000, A, 443, { payload: payload(300) }), onA: 's1', onB: NOT_ENI },
    { name: 'https reply out (F1: no rule; F2: reject tcp)', frame: tcpFrame(A, 443, '203.0.113.5', 50000, { payload: payload(20) }), onA: 'reason:rejected', onB: NOT_ENI },
    { name: 'ssh from 192.168/16 (F1 rejects, F2 accepts)', frame: tcpFrame('192.168.1.1', 40000, A, 22), onA: 's2', onB: NOT_ENI },
    { name: 'udp out, high source port', frame: udpFrame(A, 5353, '8.8.8.8', 53, { payload: dnsQuery('example.com') }), onA: 's1', onB: NOT_ENI },
    { name: 'udp out from the secondary address, 1400 bytes', frame: udpFrame(t.a.secondary, 40000, '198.51.100.9', 7000, { payload: payload(1400) }), onA: 's1', onB: NOT_ENI },
    { name: 'udp out, source port 123', frame: udpFrame(A, 123, '198.51.100.1', 123), onA: 'reason:no-rule-matched', onB: NOT_ENI },
    { name: 'icmp echo out', frame: icmpEchoFrame(A, '8.8.8.8', { identifier: 77, payload: payload(56) }), onA: 's2', onB: NOT_ENI },
    { name: 'icmp echo reply in', frame: icmpEchoFrame('8.8.8.8', A, { identifier: 77, reply: true, payload: payload(56) }), onA: 's2', onB: NOT_ENI },
    { name: 'ipv6 tcp out', frame: tcpFrame(A6, 40001, far6, 443, { payload: payload(100) }), onA: 's1', onB: NOT_ENI },
    { name: 'icmpv6 echo in', frame: icmpEchoFrame(far6, A6, { identifier: 9 }), onA: 's2', onB: NOT_ENI },
    { name: 'ipv6 udp in (no ipv6 udp rule)', frame: udpFrame(far6, 53, A6, 40002), onA: 'reason:no-rule-matched', onB: NOT_ENI },
    { name: 'arp', frame: buildArpFrame({ senderMac: '02:00:00:00:00:fe', senderIp: '10.0.1.1', targetIp: A }), onA: 'reason:never-mirrored:arp', onB: 'reason:never-mirrored:arp' },
    { name: 'dhcp discover', frame: udpFrame('0.0.0.0', 68, '255.255.255.255', 67, { payload: dhcpDiscover(t.a.mac) }), onA: 'reason:never-mirrored:dhcp', onB: 'reason:never-mirrored:dhcp' },
    { name: 'dns query to the resolver', frame: udpFrame(A, 40003, '10.0.0.2', 53, { payload: dnsQuery('example.internal') }), onA: 's1', onB: NOT_ENI },
    { name: 'dns answer from the resolver', frame: udpFrame('10.0.0.2', 53, A, 40003, { payload: dnsQuery('example.internal') }), onA: 's1', onB: NOT_ENI },
    { name: 'instance metadata', frame: tcpFrame(A, 40004, '169.254.169.254', 80), onA: 'reason:never-mirrored:metadata', onB: 'reason:never-mirrored:metadata' },
    { name: 'time sync', frame: udpFrame(A, 40008, '169.254.169.123', 123), onA: 'reason:never-mirrored:ntp', onB: 'reason:never-mirrored:ntp' },
    { name: 'windows activation', frame: tcpFrame(A, 50000, '169.254.169.250', 1688), onA: 'reason:never-mirrored:kms-activation', onB: 'reason:never-mirrored:kms-activation' },
    { name: "KMS to the customer's own host (F2 rejects tcp out)", frame: tcpFrame(A, 50001, '10.0.0.50', 1688), onA: 'reason:rejected', onB: NOT_ENI },
    { name: "B's http out", frame: tcpFrame(B, 40005, '93.184.216.34', 80, { payload: payload(200) }), onA: NOT_ENI, onB: 's3' },
    { name: "B's http reply in", frame: tcpFrame('93.184.216.34', 80, B, 40005, { payload: payload(10) }), onA: NOT_ENI, onB: 'reason:no-rule-matched' },
    { name: "B's dns query (no amazon-dns on F3)", frame: udpFrame(B, 40006, '10.0.0.2', 53, { payload: dnsQuery('b.internal') }), onA: NOT_ENI, onB: 'reason:amazon-dns-not-enabled' },
    { name: 'http in with an 802.1Q tag', frame: tcpFrame('198.51.100.9', 1000, A, 80, { payload: payload(40), ethernet: { vlans: [{ id: 7 }] } }), onA: 's1', onB: NOT_ENI },
  ];
  // Volume: fifty more web flows into A, and as many of B's, interleaved.
  for (let i = 0; i < 50; i++) {
    list.push({ name: `web flow ${i}`, frame: tcpFrame(`203.0.113.${i + 10}`, 30000 + i, A, 80 + (i % 2) * 363, { payload: payload(i * 7) }), onA: 's1', onB: NOT_ENI });
    list.push({ name: `B flow ${i}`, frame: tcpFrame(B, 31000 + i, `198.51.100.${i + 10}`, 8080, { payload: payload(i * 3) }), onA: NOT_ENI, onB: 's3' });
  }
  return list.map((item, i) => ({ ...item, seconds: 1_700_000_000 + i, microseconds: (i * 12_345) % 1_000_000 }));
}

export function writeCapture(path: string, cases: readonly TrafficCase[]): void {
  const writer = new PcapWriter();
  for (const c of cases) writer.writeRecord(c.seconds, c.microseconds, c.frame, 0, c.frame.length);
  writeFileSync(path, writer.bytes());
}

export interface PcapRecord {
  seconds: number;
  microseconds: number;
  originalLength: number;
  bytes: Buffer;
}

/** Every record of a capture file, copied out. */
export function readCapture(path: string): PcapRecord[] {
  const reader = new CaptureReader();
  reader.push(readFileSync(path));
  reader.end();
  const records: PcapRecord[] = [];
  while (reader.next()) {
    const r = reader.record;
    records.push({ seconds: r.seconds, microseconds: r.microseconds, originalLength: r.originalLength, bytes: Buffer.from(r.bytes()) });
  }
  if (reader.state !== 'done') throw new Error(`${path}: ${reader.state} ${reader.errorMessage}`);
  return records;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the `mirrorlite` command the package ships (CLI, the bundle its bin runs) asynchronously: the test's own sockets keep working. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The CLI flags that make a client the fixtures' account and region. */
export function clientFlags(url: string): string[] {
  return ['--endpoint', url, '--access-key', ACCOUNT, '--region', REGION];
}

/** The summary `mirrorlite replay` prints: the server's, or its error answer's `error`. */
export type ReplaySummary = ServerReplaySummary & { error?: { code: string; message: string } };

/** `mirrorlite replay FILE --eni ENI` as the fixtures' caller; throws unless it exits 0. */
export async function replay(url: string, file: string, eni: string): Promise<ReplaySummary> {
  const result = await runCli(['replay', file, '--eni', eni, ...clientFlags(url)]);
  if (result.status !== 0) throw new Error(`mirrorlite replay exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as ReplaySummary;
}
