// Interoperability: Wireshark's dissectors must read mirrorlite's output as VXLAN carrying the
// original frames. Skipped where tshark is not installed.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MirrorConfig } from './config.js';
import { tcpFrame, udpFrame } from './frame-builder.js';
import { MirrorEngine } from './mirror-engine.js';
import { PcapWriter } from './pcap-writer.js';

const TSHARK = '/usr/bin/tshark';

const CONFIG: MirrorConfig = {
  enis: [{ networkInterfaceId: 'eni-1', macAddress: '02:00:00:00:00:01', primaryIpv4: '10.0.0.5', ipv4Addresses: [], ipv6Addresses: ['2001:db8::5'], vpcIpv4Cidrs: ['10.0.0.0/16'], mtu: 9001 }],
  filters: [
    { filterId: 'tmf-web', networkServices: [], rules: [{ ruleId: 'tmfr-web', ruleNumber: 1, direction: 'egress', action: 'accept', protocol: 6, sourceCidr: '0.0.0.0/0', destinationCidr: '0.0.0.0/0', destinationPorts: { from: 443, to: 443 } }] },
    {
      filterId: 'tmf-rest',
      networkServices: [],
      rules: [
        { ruleId: 'tmfr-in', ruleNumber: 1, direction: 'ingress', action: 'accept', sourceCidr: '0.0.0.0/0', destinationCidr: '0.0.0.0/0' },
        { ruleId: 'tmfr-out6', ruleNumber: 2, direction: 'egress', action: 'accept', sourceCidr: '::/0', destinationCidr: '::/0' },
      ],
    },
  ],
  targets: [{ targetId: 'tmt-1', type: 'network-interface', address: '10.0.9.9', macAddress: '02:00:00:00:00:99' }],
  sessions: [
    { sessionId: 'tms-web', sessionNumber: 1, networkInterfaceId: 'eni-1', filterId: 'tmf-web', targetId: 'tmt-1', virtualNetworkId: 7159709 },
    { sessionId: 'tms-rest', sessionNumber: 2, networkInterfaceId: 'eni-1', filterId: 'tmf-rest', targetId: 'tmt-1', virtualNetworkId: 42, packetLength: 60 },
  ],
};

describe('tshark reads mirrorlite VXLAN', { skip: existsSync(TSHARK) ? false : `${TSHARK} not installed` }, () => {
  it('decodes VNI, outer and inner headers of every mirrored frame', () => {
    const engine = MirrorEngine.compile(CONFIG);
    const writer = new PcapWriter();
    const frames = [
      tcpFrame('10.0.0.5', 40000, '93.184.216.34', 443, { payload: 'hello' }), // session 1
      udpFrame('198.51.100.7', 5000, '10.0.0.5', 8125, { payload: 'x'.repeat(200), ethernet: { vlans: [{ id: 300 }] } }), // session 2, cut to 60
      tcpFrame('2001:db8::5', 40001, '2001:db8::77', 22), // session 2, IPv6
    ];
    frames.forEach((frame, i) => {
      assert.equal(engine.decide(0, frame, 0, frame.length).mirrored, true);
      const at = writer.reserve(engine.maxEncapsulatedLength(frame.length));
      const written = engine.encapsulate(writer.buffer, at, frame, 0, frame.length);
      writer.commit(1_700_000_000 + i, 0, written);
    });

    const dir = mkdtempSync(join(tmpdir(), 'mirrorlite-tshark-'));
    try {
      const file = join(dir, 'mirrored.pcap');
      writeFileSync(file, writer.bytes());
      const fields = ['vxlan.vni', 'vxlan.flags', 'eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.ttl', 'ip.flags.df', 'ip.checksum.status', 'udp.srcport', 'udp.dstport', 'vlan.id', 'ipv6.src', 'ipv6.dst', 'tcp.dstport'];
      const output = execFileSync(TSHARK, ['-r', file, '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
      });
      const rows = output
        .trim()
        .split('\n')
        .map((line) => Object.fromEntries(line.split('|').map((value, i) => [fields[i]!, value])));
      assert.equal(rows.length, 3);
      for (const row of rows) {
        assert.equal(row['udp.dstport']!.split(',')[0], '4789');
        assert.equal(row['vxlan.flags'], '0x0800', 'Wireshark shows the flags byte and the reserved byte after it: I flag only');
        assert.equal(row['ip.ttl']!.split(',')[0], '64');
        assert.equal(row['ip.flags.df']!.split(',')[0], '1');
        assert.equal(row['ip.checksum.status']!.split(',')[0], '1', 'outer IPv4 checksum good');
        assert.equal(row['eth.src']!.split(',')[0], '02:00:00:00:00:01');
        assert.equal(row['eth.dst']!.split(',')[0], '02:00:00:00:00:99');
        const sourcePort = Number(row['udp.srcport']!.split(',')[0]);
        assert.ok(sourcePort >= 49152 && sourcePort <= 65535);
      }
      assert.equal(rows[0]!['vxlan.vni'], '7159709');
      assert.equal(rows[0]!['ip.src'], '10.0.0.5,10.0.0.5');
      assert.equal(rows[0]!['ip.dst'], '10.0.9.9,93.184.216.34');
      assert.equal(rows[0]!['tcp.dstport'], '443');
      assert.equal(rows[1]!['vxlan.vni'], '42');
      assert.equal(rows[1]!['vlan.id'], '300', 'the inner 802.1Q tag survives');
      assert.equal(rows[1]!['ip.src'], '10.0.0.5,198.51.100.7');
      assert.equal(rows[1]!['udp.dstport'], '4789,8125');
      assert.equal(rows[2]!['vxlan.vni'], '42');
      assert.equal(rows[2]!['ipv6.src'], '2001:db8::5');
      assert.equal(rows[2]!['ipv6.dst'], '2001:db8::77');
      assert.equal(rows[2]!['tcp.dstport'], '22');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
