// The data plane end to end: resources made through the EC2 API, a capture of many flows replayed
// with the real `mirrorlite replay` CLI, and every output pcap read back frame by frame: which
// frames, which session (VNI), which target (file, outer addresses), inner bytes up to
// PacketLength and the target's MTU; then tshark's reading of the same files, counters over HTTP,
// pcapng input, and a Modify between two replays.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatIpv4, formatIpv6 } from '../src/net/cidr.js';
import { decodeVxlan, MTU_BUDGET_GAP } from '../src/dataplane/vxlan.js';
import { derivedTargetAddress, GATEWAY_MAC } from '../src/service/mirror-config.js';
import {
  ACCOUNT,
  buildTopology,
  GWLB_ADDRESS,
  MTU_OVERHEAD,
  readCapture,
  REGION,
  replay,
  startDataPlaneServer,
  TARGET_MTU,
  trafficCases,
  TSHARK,
  writeCapture,
  type DataPlaneServer,
  type Fate,
  type PcapRecord,
  type ReplaySummary,
  type SessionName,
  type Topology,
  type TrafficCase,
} from './dataplane-fixtures.js';
import { call, field, GWLBE_ID, NLB_ARN } from './support/topology.js';

let dp: DataPlaneServer;
let t: Topology;
let cases: TrafficCase[];
let capture: string;
let summaryA: ReplaySummary;
let summaryB: ReplaySummary;

before(async () => {
  dp = await startDataPlaneServer();
  t = await buildTopology(dp.server.url);
  cases = trafficCases(t);
  capture = join(dp.dir, 'flows.pcap');
  writeCapture(capture, cases);
});
after(() => dp.close());

/** How each session's packets leave: target, VNI, outer destination, inner length limit. */
function sessionOut(name: SessionName, vni?: number, packetLength?: number) {
  const nlbAddress = derivedTargetAddress(NLB_ARN);
  return {
    s1: { target: t.targets.te, vni: vni ?? 101, dstIp: t.t.ipv4, dstMac: t.t.mac, srcIp: t.a.ipv4, srcMac: t.a.mac, keep: (n: number) => Math.min(n, packetLength ?? n, TARGET_MTU - MTU_OVERHEAD) },
    s2: { target: t.targets.tn, vni: vni ?? 102, dstIp: nlbAddress, dstMac: GATEWAY_MAC, srcIp: t.a.ipv4, srcMac: t.a.mac, keep: (n: number) => Math.min(n, packetLength ?? 8500) },
    s3: { target: t.targets.tg, vni: vni ?? 103, dstIp: GWLB_ADDRESS, dstMac: GATEWAY_MAC, srcIp: t.b.ipv4, srcMac: t.b.mac, keep: (n: number) => Math.min(n, packetLength ?? 64) },
  }[name];
}

function counts(fates: Fate[]) {
  const mirrored: Record<string, number> = {};
  const notMirrored: Record<string, number> = {};
  for (const fate of fates) {
    if (fate.startsWith('reason:')) notMirrored[fate.slice(7)] = (notMirrored[fate.slice(7)] ?? 0) + 1;
    else mirrored[t.sessions[fate as SessionName]] = (mirrored[t.sessions[fate as SessionName]] ?? 0) + 1;
  }
  return { mirrored, notMirrored };
}

/** Checks one output record against the original frame it must carry. */
function assertMirrored(record: PcapRecord, original: TrafficCase, out: ReturnType<typeof sessionOut>): number {
  const decoded = decodeVxlan(record.bytes);
  assert.ok(decoded.ok, `${original.name}: ${decoded.ok ? '' : decoded.error}`);
  const v = decoded.value;
  assert.equal(v.vni, out.vni, `${original.name}: VNI`);
  assert.equal(v.destinationPort, 4789);
  assert.ok(v.sourcePort >= 49152 && v.sourcePort <= 65535, `${original.name}: source port ${v.sourcePort}`);
  assert.equal(v.sourceIpv4, out.srcIp, `${original.name}: outer source is the source ENI's primary address`);
  assert.equal(v.sourceMac, out.srcMac);
  assert.equal(v.destinationIpv4, out.dstIp, `${original.name}: outer destination`);
  assert.equal(v.destinationMac, out.dstMac);
  assert.equal(v.ttl, 64);
  assert.ok(v.dontFragment && v.ipChecksumValid);
  assert.equal(v.vxlanFlags, 0x08);
  assert.equal(v.vxlanReserved1, 0);
  assert.equal(v.vxlanReserved2, 0);
  const kept = out.keep(original.frame.length);
  assert.equal(v.inner.length, kept, `${original.name}: inner length ${v.inner.length}, expected ${kept} of ${original.frame.length}`);
  assert.ok(Buffer.from(v.inner).equals(original.frame.subarray(0, kept)), `${original.name}: inner bytes are the original's`);
  assert.equal(record.seconds, original.seconds, `${original.name}: timestamp`);
  assert.equal(record.microseconds, original.microseconds);
  return v.sourcePort;
}

/** The records of a target's file (the last `last` of them), checked against the cases mirrored by `session`. */
function assertTargetFile(summary: ReplaySummary, session: SessionName, fates: Fate[], options: { vni?: number; packetLength?: number } = {}): Map<string, number> {
  const out = sessionOut(session, options.vni, options.packetLength);
  const expected = cases.filter((_, i) => fates[i] === session);
  const file = summary.outputFiles[out.target]!;
  assert.equal(file, join(dp.mirrorDir, `${out.target}.pcap`));
  const records = readCapture(file).slice(-expected.length);
  assert.equal(summary.framesWritten[out.target], expected.length);
  assert.equal(records.length, expected.length);
  const ports = new Map<string, number>();
  records.forEach((record, i) => ports.set(expected[i]!.name, assertMirrored(record, expected[i]!, out)));
  return ports;
}

describe('mirrorlite replay, frame by frame', () => {
  test('ENI A: two sessions, an ENI target with mirrorlite:mtu and an NLB target', async () => {
    summaryA = await replay(dp.server.url, capture, t.a.id);
    const fates = cases.map((c) => c.onA);
    const expected = counts(fates);
    assert.equal(summaryA.networkInterfaceId, t.a.id);
    assert.equal(summaryA.framesRead, cases.length);
    assert.deepEqual(summaryA.mirrored, expected.mirrored);
    assert.deepEqual(summaryA.notMirrored, expected.notMirrored);
    assert.equal(summaryA.bytesIn, readFileSync(capture).length);
    assert.equal(summaryA.mirrorDir, dp.mirrorDir);
    assert.equal(summaryA.capture.format, 'pcap');
    assert.equal(summaryA.capture.state, 'done');
    assert.deepEqual(Object.keys(summaryA.outputFiles).sort(), [t.targets.te, t.targets.tn].sort());
    assert.ok(summaryA.seconds > 0 && summaryA.framesPerSecond > 0);

    assertTargetFile(summaryA, 's1', fates);
    const nlbPorts = assertTargetFile(summaryA, 's2', fates);
    // Both directions of one flow leave from the same outer source port (the documented symmetric hash).
    assert.equal(nlbPorts.get('icmp echo out'), nlbPorts.get('icmp echo reply in'));
    const address = derivedTargetAddress(NLB_ARN);
    assert.match(address, /^198\.1[89]\./, 'NLB addresses come from 198.18.0.0/15');
  });

  test('ENI A: frames bigger than the target MTU are cut, smaller ones are whole', () => {
    const records = readCapture(summaryA.outputFiles[t.targets.te]!);
    const longest = 14 + TARGET_MTU - MTU_BUDGET_GAP;
    assert.ok(records.some((r) => r.bytes.length === longest), 'some outer frames are exactly MTU - 4 + Ethernet');
    assert.ok(records.every((r) => r.bytes.length <= longest));
    assert.ok(records.some((r) => r.bytes.length < longest));
  });

  test('ENI B: PacketLength 64 and the GWLB endpoint address from mirrorlite:address', async () => {
    summaryB = await replay(dp.server.url, capture, t.b.id);
    const fates = cases.map((c) => c.onB);
    const expected = counts(fates);
    assert.equal(summaryB.framesRead, cases.length);
    assert.deepEqual(summaryB.mirrored, expected.mirrored);
    assert.deepEqual(summaryB.notMirrored, expected.notMirrored);
    assert.deepEqual(Object.keys(summaryB.outputFiles), [t.targets.tg]);
    assertTargetFile(summaryB, 's3', fates);
  });

  test('counters over HTTP: per session and per rule, and reset', async () => {
    const get = async (path: string, method = 'GET') => {
      const response = await fetch(`${dp.server.url}${path}?account=${ACCOUNT}&region=${REGION}`, { method });
      assert.equal(response.status, 200);
      return (await response.json()) as { sessions: Record<string, { packets: number; bytes: number }>; rules: Record<string, { packets: number; bytes: number }>; framesEvaluated: number };
    };
    const counters = await get('/_mirrorlite/counters');
    const sessionBytes = (session: SessionName, fate: (c: TrafficCase) => Fate) => cases.filter((c) => fate(c) === session).reduce((sum, c) => sum + c.frame.length, 0);
    assert.deepEqual(counters.sessions[t.sessions.s1], { packets: summaryA.mirrored[t.sessions.s1], bytes: sessionBytes('s1', (c) => c.onA) });
    assert.deepEqual(counters.sessions[t.sessions.s2], { packets: summaryA.mirrored[t.sessions.s2], bytes: sessionBytes('s2', (c) => c.onA) });
    assert.deepEqual(counters.sessions[t.sessions.s3], { packets: summaryB.mirrored[t.sessions.s3], bytes: sessionBytes('s3', (c) => c.onB) });
    assert.equal(counters.framesEvaluated, 2 * cases.length);
    // A rule counts every packet it matches, accept or reject.
    assert.equal(counters.rules[t.rules.f1In10]!.packets, 1, 'ssh: rejected by F1 rule 10');
    assert.equal(counters.rules[t.rules.f2In10]!.packets, 2, 'ssh and the icmp echo reply, accepted by F2 rule 10');
    assert.equal(counters.rules[t.rules.f2Out20]!.packets, 2, "the https reply and TCP 1688 to the customer's KMS host: rejected by F2 rule 20");
    assert.equal(counters.rules[t.rules.f1Out20]!.packets, 1, 'ipv6 tcp out');
    assert.equal(counters.rules[t.rules.f3Out10]!.packets, 51);
    // The same figures in the caller's account from the SigV4 header instead of the query.
    const signed = await fetch(`${dp.server.url}/_mirrorlite/counters`, { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20260101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0` } });
    assert.deepEqual(((await signed.json()) as typeof counters).sessions, counters.sessions);
    const other = await fetch(`${dp.server.url}/_mirrorlite/counters?account=999988887777`);
    assert.deepEqual(((await other.json()) as typeof counters).sessions, {}, 'another account has no sessions');

    await get('/_mirrorlite/counters/reset', 'POST');
    const reset = await get('/_mirrorlite/counters');
    assert.equal(reset.framesEvaluated, 0);
    assert.deepEqual(reset.sessions[t.sessions.s1], { packets: 0, bytes: 0 });
  });

  test('tshark decodes the output pcaps as VXLAN with the expected VNIs and inner frames', { skip: existsSync(TSHARK) ? false : `${TSHARK} not installed` }, () => {
    for (const [summary, session, fate] of [
      [summaryA, 's1', (c: TrafficCase) => c.onA],
      [summaryA, 's2', (c: TrafficCase) => c.onA],
      [summaryB, 's3', (c: TrafficCase) => c.onB],
    ] as const) {
      const out = sessionOut(session);
      const expected = cases.filter((c) => fate(c) === session);
      const fields = ['vxlan.vni', 'ip.src', 'ip.dst', 'udp.dstport', 'ipv6.src', 'vlan.id'];
      const text = execFileSync(TSHARK, ['-r', summary.outputFiles[out.target]!, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const rows = text.trim().split('\n').map((line) => Object.fromEntries(line.split('|').map((value, i) => [fields[i]!, value])));
      assert.equal(rows.length, expected.length, `${out.target}: records`);
      rows.forEach((row, i) => {
        const c = expected[i]!;
        assert.equal(row['vxlan.vni'], String(out.vni), `${c.name}: VNI`);
        assert.equal(row['udp.dstport']!.split(',')[0], '4789');
        const ips = row['ip.src']!.split(',');
        assert.equal(ips[0], out.srcIp, `${c.name}: outer source`);
        assert.equal(row['ip.dst']!.split(',')[0], out.dstIp, `${c.name}: outer destination`);
        // The inner frame's source address, as tshark reads it, is the original frame's.
        const tagged = c.frame.readUInt16BE(12) === 0x8100;
        if (tagged) assert.equal(row['vlan.id'], '7', `${c.name}: inner 802.1Q tag`);
        const ip = tagged ? 18 : 14;
        if (c.frame.readUInt16BE(ip - 2) === 0x86dd) {
          assert.equal(row['ipv6.src'], formatIpv6([0, 4, 8, 12].map((k) => c.frame.readUInt32BE(ip + 8 + k))), `${c.name}: inner IPv6 source`);
        } else {
          assert.equal(ips[1], formatIpv4(c.frame.readUInt32BE(ip + 12)), `${c.name}: inner IPv4 source`);
        }
      });
    }
  });

  test('pcapng input (converted by editcap) is mirrored the same', { skip: existsSync('/usr/bin/editcap') ? false : 'editcap not installed' }, async () => {
    const pcapng = join(dp.dir, 'flows.pcapng');
    execFileSync('/usr/bin/editcap', ['-F', 'pcapng', capture, pcapng]);
    const summary = await replay(dp.server.url, pcapng, t.b.id);
    assert.equal(summary.capture.format, 'pcapng');
    assert.deepEqual(summary.mirrored, summaryB.mirrored);
    assert.deepEqual(summary.notMirrored, summaryB.notMirrored);
    assertTargetFile(summary, 's3', cases.map((c) => c.onB));
  });

  test('a Modify between two replays changes what is mirrored', async () => {
    const ec2 = (action: string, params: Record<string, string | number>) => call(dp.server.url, action, params, ACCOUNT, REGION);
    await ec2('ModifyTrafficMirrorSession', { TrafficMirrorSessionId: t.sessions.s1, VirtualNetworkId: 201, PacketLength: 100 });
    await ec2('ModifyTrafficMirrorFilterRule', { TrafficMirrorFilterRuleId: t.rules.f2Out20, RuleAction: 'accept' });
    // A new session on B takes its UDP (number 2, after F3's tcp-only session), to the GWLB endpoint.
    const s4 = field(await ec2('CreateTrafficMirrorSession', { NetworkInterfaceId: t.b.id, TrafficMirrorTargetId: t.targets.tg, TrafficMirrorFilterId: t.filters.f2, SessionNumber: 2, VirtualNetworkId: 104 }), 'trafficMirrorSessionId');
    const before = readCapture(summaryA.outputFiles[t.targets.te]!).length;

    const summary = await replay(dp.server.url, capture, t.a.id);
    const fates = cases.map((c) => (c.name.startsWith('https reply out') || c.name.startsWith('KMS to the customer') ? 's2' : c.onA));
    const expected = counts(fates);
    assert.deepEqual(summary.mirrored, expected.mirrored);
    assert.deepEqual(summary.notMirrored, expected.notMirrored);
    assertTargetFile(summary, 's1', fates, { vni: 201, packetLength: 100 });
    assertTargetFile(summary, 's2', fates);
    assert.equal(readCapture(summary.outputFiles[t.targets.te]!).length, before + summary.framesWritten[t.targets.te]!, 'records appended after the earlier ones, header written once');

    const onB = await replay(dp.server.url, capture, t.b.id);
    assert.deepEqual(onB.mirrored, { [t.sessions.s3]: summaryB.mirrored[t.sessions.s3], [s4]: 1 }, "the new session takes B's http reply, which F3 matched no rule for");
    assert.equal(onB.notMirrored['no-rule-matched'], undefined);
    const vnis = readCapture(onB.outputFiles[t.targets.tg]!).slice(-onB.framesWritten[t.targets.tg]!).map((r) => {
      const decoded = decodeVxlan(r.bytes);
      return decoded.ok ? decoded.value.vni : -1;
    });
    assert.deepEqual(vnis.filter((vni) => vni === 104).length, 1, 'the new session mirrors with its own VNI, to the same file');

    // Counters are kept by ID across the recompiles those changes caused: since the reset, B's
    // session mirrored in the pcapng replay (before the changes) and in this one (after).
    const counters = (await (await fetch(`${dp.server.url}/_mirrorlite/counters?account=${ACCOUNT}&region=${REGION}`)).json()) as { sessions: Record<string, { packets: number }> };
    assert.equal(counters.sessions[t.sessions.s3]!.packets, 2 * summaryB.mirrored[t.sessions.s3]!);
    assert.equal(counters.sessions[s4]!.packets, 1);
    assert.equal(counters.sessions[t.sessions.s1]!.packets, summary.mirrored[t.sessions.s1]);
  });

  test('NLB and GWLB addresses: derived from the ARN or endpoint ID, stable', () => {
    assert.equal(derivedTargetAddress(NLB_ARN), derivedTargetAddress(NLB_ARN));
    assert.notEqual(derivedTargetAddress(NLB_ARN), derivedTargetAddress(GWLBE_ID));
    for (const key of [NLB_ARN, GWLBE_ID, 'vpce-00000000000000000']) {
      const [a, b, c, d] = derivedTargetAddress(key).split('.').map(Number) as [number, number, number, number];
      assert.ok(a === 198 && (b === 18 || b === 19) && c >= 0 && c <= 255 && d >= 0 && d <= 255);
    }
  });
});
