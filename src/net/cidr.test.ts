import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, formatCidr, formatIpv4, formatIpv6, formatMac, ipv4CidrContains, ipv6CidrContains, parseCidr, parseIp, parseIpv4, parseIpv6, parseMac } from './cidr.js';

const words = (text: string) => [...parseIpv6(text)!];

describe('IPv4 addresses', () => {
  it('parses dotted quads to uint32', () => {
    assert.equal(parseIpv4('0.0.0.0'), 0);
    assert.equal(parseIpv4('10.0.0.1'), 0x0a000001);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
    assert.equal(parseIpv4('169.254.169.254'), 0xa9fea9fe);
  });

  it('rejects anything else, including octal-looking octets', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.-4', '01.2.3.4', '1.2.3.04', '1..2.3', '1.2.3.4 ', ' 1.2.3.4', 'a.b.c.d', '1.2.3.4/8']) {
      assert.equal(parseIpv4(bad), -1, bad);
    }
  });

  it('formats back', () => {
    for (const text of ['0.0.0.0', '10.0.0.1', '255.255.255.255', '192.168.0.199']) assert.equal(formatIpv4(parseIpv4(text)), text);
  });
});

describe('IPv6 addresses', () => {
  it('parses every RFC 4291 notation', () => {
    assert.deepEqual(words('::'), [0, 0, 0, 0]);
    assert.deepEqual(words('::1'), [0, 0, 0, 1]);
    assert.deepEqual(words('1::'), [0x00010000, 0, 0, 0]);
    assert.deepEqual(words('2001:db8::5'), [0x20010db8, 0, 0, 5]);
    assert.deepEqual(words('fd00:ec2::253'), [0xfd000ec2, 0, 0, 0x253]);
    assert.deepEqual(words('2001:DB8:0:0:8:800:200C:417A'), [0x20010db8, 0, 0x00080800, 0x200c417a]);
    assert.deepEqual(words('::ffff:10.0.0.1'), [0, 0, 0xffff, 0x0a000001]);
    assert.deepEqual(words('64:ff9b::192.0.2.33'), [0x0064ff9b, 0, 0, 0xc0000221]);
    assert.deepEqual(words('1:2:3:4:5:6:7:8'), [0x00010002, 0x00030004, 0x00050006, 0x00070008]);
    assert.deepEqual(words('1:2:3:4:5:6::8'), [0x00010002, 0x00030004, 0x00050006, 0x00000008]);
  });

  it('rejects malformed text', () => {
    for (const bad of ['', ':', ':::', '1:::2', '1::2::3', ':1::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7:8', '12345::', 'g::', '1:', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', 'fe80::1%eth0', '1.2.3.4']) {
      assert.equal(parseIpv6(bad), undefined, bad);
    }
  });

  it('formats as RFC 5952 says', () => {
    const cases: [string, string][] = [
      ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group is not compressed
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of equal runs
      ['0:0:0:0:0:0:0:0', '::'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['FD00:EC2::253', 'fd00:ec2::253'],
      ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ];
    for (const [input, expected] of cases) assert.equal(formatIpv6(parseIpv6(input)!), expected);
  });

  it('parseIp tells the families apart', () => {
    assert.deepEqual(parseIp('10.1.2.3'), { family: 4, value: 0x0a010203 });
    assert.equal(parseIp('2001:db8::1')?.family, 6);
    assert.equal(parseIp('nonsense'), undefined);
  });
});

describe('CIDR blocks', () => {
  it('clears host bits and keeps the prefix', () => {
    const cidr = parseCidr('10.1.2.3/16')!;
    assert.equal(cidr.family, 4);
    assert.equal(formatCidr(cidr), '10.1.0.0/16');
    assert.equal(formatCidr(parseCidr('2001:db8:1:2::5/33')!), '2001:db8::/33');
    assert.equal(formatCidr(parseCidr('0.0.0.0/0')!), '0.0.0.0/0');
    assert.equal(formatCidr(parseCidr('::/0')!), '::/0');
  });

  it('rejects bad prefixes and addresses', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', '10.0.0.0/1a', '::/129', 'x/8', '10.0.0/8']) {
      assert.equal(parseCidr(bad), undefined, bad);
    }
  });

  it('tests IPv4 containment at the edges of a block', () => {
    const cidr = parseCidr('10.0.0.0/16');
    assert.ok(cidr?.family === 4);
    assert.equal(ipv4CidrContains(cidr, parseIpv4('10.0.0.0')), true);
    assert.equal(ipv4CidrContains(cidr, parseIpv4('10.0.255.255')), true);
    assert.equal(ipv4CidrContains(cidr, parseIpv4('10.1.0.0')), false);
    assert.equal(ipv4CidrContains(cidr, parseIpv4('9.255.255.255')), false);
    const all = parseCidr('0.0.0.0/0');
    const host = parseCidr('255.255.255.255/32');
    assert.ok(all?.family === 4 && host?.family === 4);
    assert.equal(ipv4CidrContains(all, 0xffffffff), true);
    assert.equal(ipv4CidrContains(host, 0xffffffff), true);
    assert.equal(ipv4CidrContains(host, 0xfffffffe), false);
    // High-bit addresses: the uint32/int32 boundary.
    const high = parseCidr('192.168.0.0/17');
    assert.ok(high?.family === 4);
    assert.equal(ipv4CidrContains(high, parseIpv4('192.168.127.255')), true);
    assert.equal(ipv4CidrContains(high, parseIpv4('192.168.128.0')), false);
  });

  it('tests IPv6 containment across word boundaries', () => {
    const cidr = parseCidr('2001:db8:abcd:1200::/55');
    assert.ok(cidr?.family === 6);
    assert.equal(ipv6CidrContains(cidr, parseIpv6('2001:db8:abcd:1200::1')!), true);
    assert.equal(ipv6CidrContains(cidr, parseIpv6('2001:db8:abcd:13ff:ffff::')!), true);
    assert.equal(ipv6CidrContains(cidr, parseIpv6('2001:db8:abcd:1400::')!), false);
    const host = parseCidr('fd00:ec2::253/128');
    assert.ok(host?.family === 6);
    assert.equal(ipv6CidrContains(host, parseIpv6('fd00:ec2::253')!), true);
    assert.equal(ipv6CidrContains(host, parseIpv6('fd00:ec2::254')!), false);
  });

  it('never matches across families', () => {
    assert.equal(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('::1')!), false);
    assert.equal(cidrContains(parseCidr('::/0')!, parseIp('10.0.0.1')!), false);
    assert.equal(cidrContains(parseCidr('::/0')!, parseIp('::ffff:10.0.0.1')!), true);
  });
});

describe('MAC addresses', () => {
  it('parses and formats', () => {
    assert.deepEqual([...parseMac('02:00:5E:10:00:0a')!], [2, 0, 0x5e, 0x10, 0, 10]);
    assert.deepEqual([...parseMac('02-00-5e-10-00-0a')!], [2, 0, 0x5e, 0x10, 0, 10]);
    assert.equal(formatMac(parseMac('02:00:5E:10:00:0A')!), '02:00:5e:10:00:0a');
    for (const bad of ['', '02:00:5e:10:00', '02:00:5e:10:00:0g', '0200.5e10.000a']) assert.equal(parseMac(bad), undefined, bad);
  });
});
