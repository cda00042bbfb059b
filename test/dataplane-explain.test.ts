// `mirrorlite explain`: which session and which rule decide a packet, what every other session did,
// and why a packet is never mirrored; from a 5-tuple or from a frame of a capture. Explaining
// counts nothing.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { frameOf, parsePacketSpec } from '../src/cli/explain-command.js';
import type { FrameExplanation } from '../src/dataplane/explain.js';
import { decodeFrame, DecodedFrame } from '../src/dataplane/packet-decoder.js';
import { ACCOUNT, buildTopology, clientFlags, REGION, runCli, startDataPlaneServer, trafficCases, writeCapture, type DataPlaneServer, type Topology } from './dataplane-fixtures.js';
import { call } from './support/topology.js';

let dp: DataPlaneServer;
let t: Topology;
let capture: string;

before(async () => {
  dp = await startDataPlaneServer();
  t = await buildTopology(dp.server.url);
  capture = join(dp.dir, 'flows.pcap');
  writeCapture(capture, trafficCases(t));
});
after(() => dp.close());

async function explain(eni: string, ...args: string[]): Promise<string> {
  const result = await runCli(['explain', '--eni', eni, ...args, ...clientFlags(dp.server.url)]);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

async function explainJson(eni: string, ...args: string[]): Promise<FrameExplanation> {
  return JSON.parse(await explain(eni, ...args, '--json')) as FrameExplanation;
}

describe('mirrorlite explain', () => {
  test('the deciding session and rule, in text', async () => {
    const text = await explain(t.a.id, '--packet', 'tcp 203.0.113.5:50000 -> 10.0.1.10:443');
    assert.match(text, /203\.0\.113\.5:50000 -> 10\.0\.1\.10:443 protocol 6, ingress/);
    assert.ok(text.includes(`session 1 ${t.sessions.s1} (filter ${t.filters.f1}): accepted by rule ${t.rules.f1In20} (#20, accept)`), text);
    assert.ok(text.includes(`session 5 ${t.sessions.s2} (filter ${t.filters.f2}): not-evaluated (session 1 mirrored the packet first: each packet is mirrored once)`), text);
    assert.ok(text.includes(`mirrored by ${t.sessions.s1} rule ${t.rules.f1In20}`), text);
  });

  test('a reject in the first session, an accept in the second', async () => {
    const e = await explainJson(t.a.id, '--packet', 'tcp 192.168.1.1:40000 -> 10.0.1.10:22');
    assert.equal(e.direction, 'ingress');
    assert.deepEqual(
      e.sessions.map((s) => [s.sessionId, s.outcome, s.rule?.ruleId]),
      [
        [t.sessions.s1, 'rejected', t.rules.f1In10],
        [t.sessions.s2, 'accepted', t.rules.f2In10],
      ],
    );
    assert.equal(e.mirrored, true);
    assert.equal(e.sessionId, t.sessions.s2);
    assert.equal(e.ruleId, t.rules.f2In10);
  });

  test('not mirrored: no rule in one session, a reject in the other', async () => {
    const text = await explain(t.a.id, '--packet', 'tcp 203.0.113.5:50000 <- 10.0.1.10:443');
    assert.match(text, /10\.0\.1\.10:443 -> 203\.0\.113\.5:50000 protocol 6, egress/, 'the arrow points from source to destination');
    assert.ok(text.includes(`session 1 ${t.sessions.s1} (filter ${t.filters.f1}): no-rule-matched (no egress rule matches)`), text);
    assert.ok(text.includes(`rejected by rule ${t.rules.f2Out20} (#20, reject)`), text);
    assert.match(text, /not mirrored: rejected \(/);
  });

  test('IPv6 with brackets, and Amazon DNS through the amazon-dns service', async () => {
    const v6 = await explainJson(t.a.id, '--packet', `icmpv6 [${t.a.ipv6}] <- [2001:db8:ffff::1]`);
    assert.equal(v6.direction, 'ingress');
    assert.equal(v6.sessionId, t.sessions.s2);
    assert.equal(v6.ruleId, t.rules.f2In20);
    const dns = await explainJson(t.a.id, '--packet', 'udp 10.0.1.10:40000 -> 10.0.0.2:53');
    assert.equal(dns.amazonDns, true);
    assert.equal(dns.sessionId, t.sessions.s1);
    assert.equal(dns.service, 'amazon-dns');
    const onB = await explainJson(t.b.id, '--packet', 'udp 10.0.1.20:40000 -> 10.0.0.2:53');
    assert.equal(onB.reason, 'amazon-dns-not-enabled');
  });

  test('never mirrored: instance metadata, and ARP from a capture frame', async () => {
    const metadata = await explain(t.a.id, '--packet', 'tcp 10.0.1.10:40004 -> 169.254.169.254:80');
    assert.match(metadata, /not-evaluated \(decided before any session: never-mirrored:metadata\)/);
    assert.match(metadata, /not mirrored: never-mirrored:metadata \(Instance metadata service/);
    const cases = trafficCases(t);
    const arp = cases.findIndex((c) => c.name === 'arp') + 1;
    const e = await explainJson(t.a.id, '--capture', capture, '--frame', String(arp));
    assert.equal(e.reason, 'never-mirrored:arp');
    const https = await explainJson(t.a.id, '--capture', capture, '--frame', '1');
    assert.equal(https.sessionId, t.sessions.s1);
  });

  test('explaining counts nothing', async () => {
    const response = await fetch(`${dp.server.url}/_mirrorlite/counters?account=${ACCOUNT}`);
    const counters = (await response.json()) as { framesEvaluated: number };
    assert.equal(counters.framesEvaluated, 0);
  });

  test("an address assigned to the interface later is its traffic from the next packet; unassigned, it is not", async () => {
    const ec2 = (action: string, params: Record<string, string>) => call(dp.server.url, action, params, ACCOUNT, REGION);
    const packet = ['--packet', 'tcp 10.0.1.21:40000 -> 203.0.113.5:443'];
    assert.equal((await explainJson(t.b.id, ...packet)).reason, 'not-eni-traffic');
    await ec2('AssignPrivateIpAddresses', { NetworkInterfaceId: t.b.id, 'PrivateIpAddress.1': '10.0.1.21' });
    const assigned = await explainJson(t.b.id, ...packet);
    assert.equal(assigned.direction, 'egress');
    assert.equal(assigned.sessionId, t.sessions.s3);
    const v6 = t.a.ipv6.replace('::a', '::b');
    const v6Packet = ['--packet', `icmpv6 [${v6}] <- [2001:db8:ffff::1]`];
    assert.equal((await explainJson(t.a.id, ...v6Packet)).reason, 'not-eni-traffic');
    await ec2('AssignIpv6Addresses', { NetworkInterfaceId: t.a.id, 'Ipv6Addresses.1': v6 });
    assert.equal((await explainJson(t.a.id, ...v6Packet)).sessionId, t.sessions.s2);

    await ec2('UnassignPrivateIpAddresses', { NetworkInterfaceId: t.b.id, 'PrivateIpAddress.1': '10.0.1.21' });
    await ec2('UnassignIpv6Addresses', { NetworkInterfaceId: t.a.id, 'Ipv6Addresses.1': v6 });
    assert.equal((await explainJson(t.b.id, ...packet)).reason, 'not-eni-traffic');
    assert.equal((await explainJson(t.a.id, ...v6Packet)).reason, 'not-eni-traffic');
  });

  test('errors: unknown ENI, a bad spec, a frame past the end', async () => {
    const unknown = await runCli(['explain', '--eni', 'eni-00000000000000000', '--packet', 'udp 1.2.3.4:1 -> 5.6.7.8:2', ...clientFlags(dp.server.url)]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /404: InvalidNetworkInterfaceID\.NotFound: The networkInterface ID 'eni-00000000000000000' does not exist/);
    const bad = await runCli(['explain', '--eni', t.a.id, '--packet', 'tcp 10.0.1.10 -> 1.2.3.4', ...clientFlags(dp.server.url)]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /needs a port on both sides/);
    const past = await runCli(['explain', '--eni', t.a.id, '--capture', capture, '--frame', '100000', ...clientFlags(dp.server.url)]);
    assert.equal(past.status, 1);
    assert.match(past.stderr, /has only \d+ frames/);
  });
});

describe('packet specs', () => {
  test('parse', () => {
    assert.deepEqual(parsePacketSpec('tcp 10.0.1.10:443 -> 10.0.9.9:51000'), { protocol: 6, source: '10.0.1.10', sourcePort: 443, destination: '10.0.9.9', destinationPort: 51000 });
    assert.deepEqual(parsePacketSpec('UDP 10.0.9.9:53<-10.0.1.10:4000'), { protocol: 17, source: '10.0.1.10', sourcePort: 4000, destination: '10.0.9.9', destinationPort: 53 });
    assert.deepEqual(parsePacketSpec('icmp 10.0.0.1 -> 10.0.0.2'), { protocol: 1, source: '10.0.0.1', destination: '10.0.0.2' });
    assert.deepEqual(parsePacketSpec('tcp [2001:db8::5]:443 -> [2001:db8::9]:1'), { protocol: 6, source: '2001:db8::5', sourcePort: 443, destination: '2001:db8::9', destinationPort: 1 });
    assert.deepEqual(parsePacketSpec('47 2001:db8::5 -> 2001:db8::9'), { protocol: 47, source: '2001:db8::5', destination: '2001:db8::9' });
    for (const bad of ['tcp 10.0.0.1:1', 'sctp 1.2.3.4 -> 5.6.7.8', 'udp 1.2.3.4:1 -> [2001:db8::1]:2', 'icmp 1.2.3.4:5 -> 5.6.7.8', 'tcp 1.2.3.4:70000 -> 5.6.7.8:1', 'icmp 2001:db8::1 -> 2001:db8::2', '300 1.2.3.4 -> 5.6.7.8']) {
      assert.throws(() => parsePacketSpec(bad), Error, bad);
    }
  });

  test('build the frame the spec describes', () => {
    const frame = new DecodedFrame();
    assert.ok(decodeFrame(frameOf(parsePacketSpec('udp 10.0.1.10:40000 -> 10.0.0.2:53')), 0, 42, frame));
    assert.deepEqual([frame.family, frame.protocol, frame.srcPort, frame.dstPort], [4, 17, 40000, 53]);
    const v6 = frameOf(parsePacketSpec('icmpv6 [2001:db8::1] -> [2001:db8::2]'));
    assert.ok(decodeFrame(v6, 0, v6.length, frame));
    assert.deepEqual([frame.family, frame.protocol, frame.icmpType], [6, 58, 128]);
  });
});
