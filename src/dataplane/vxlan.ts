// VXLAN encapsulation of a mirrored frame (RFC 7348 section 5), with the outer headers of
// decisions.md "Data plane": Ethernet, IPv4 without options, UDP to 4789, VXLAN, original frame.
//
//   Outer Ethernet Header:
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |             Outer Destination MAC Address                     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Outer Destination MAC Address | Outer Source MAC Address      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                Outer Source MAC Address                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Ethertype = C-Tag 802.1Q (opt.)| Outer.VLAN Tag Information    |   (never sent by mirrorlite)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Ethertype = 0x0800            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   Outer IPv4 Header:
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version|  IHL  |Type of Service|          Total Length         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Identification        |Flags|      Fragment Offset    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Time to Live |Protocl=17(UDP)|   Header Checksum             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                       Outer Source IPv4 Address               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                   Outer Destination IPv4 Address              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   Outer UDP Header:
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           Source Port         |       Dest Port = VXLAN Port  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           UDP Length          |        UDP Checksum           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   VXLAN Header:
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |R|R|R|R|I|R|R|R|            Reserved                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                VXLAN Network Identifier (VNI) |   Reserved    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   Inner Ethernet Header, payload: the original frame, 802.1Q tags included.
//
// Choices where AWS and the RFC leave room (decisions.md): TTL 64, DF set, identification 0 (DF
// packets are never reassembled, RFC 6864), UDP checksum 0 (allowed for IPv4, RFC 7348 section
// 5). Truncation happens twice: the inner frame to the session's PacketLength, then, for targets
// with an MTU (ENIs, Gateway Load Balancer endpoints), the packet to that MTU, counting AWS's
// 54-byte header budget (MTU_BUDGET_GAP below). The headers always describe the bytes actually
// written: IPv4 total length, UDP length and header checksum are computed after both.
// Short frames are not padded to Ethernet's 60-byte minimum: captures of sent traffic do not
// show the padding either.

import { ByteCopier } from './byte-copy.js';
import { readU16BE, readU32BE, writeU16BE, writeU32BE } from './byte-order.js';
import { finishChecksum, onesComplementSum } from './checksum.js';
import { formatIpv4, formatMac, parseIpv4, parseMac } from '../net/cidr.js';
import { ETHERTYPE_IPV4, IP_PROTOCOL_UDP } from './packet-decoder.js';
import { MIN_IPV4_MTU } from '../net/mtu.js';

export const VXLAN_UDP_PORT = 4789;
export const VXLAN_FLAGS_VNI_VALID = 0x08;
export const ETHERNET_HEADER_LENGTH = 14;
export const IPV4_HEADER_LENGTH = 20;
export const UDP_HEADER_LENGTH = 8;
export const VXLAN_HEADER_LENGTH = 8;
/** Outer Ethernet + IPv4 + UDP + VXLAN. */
export const VXLAN_OVERHEAD = ETHERNET_HEADER_LENGTH + IPV4_HEADER_LENGTH + UDP_HEADER_LENGTH + VXLAN_HEADER_LENGTH;
/**
 * AWS counts 54 bytes of headers on a mirrored IPv4 packet ("Traffic Mirroring adds 54 bytes …";
 * "the maximum MTU value supported by Traffic Mirroring with no packet truncation is 8947 bytes"
 * for a 9001-byte target, and 8500 - 54 = 8446 for a Gateway Load Balancer), where RFC 7348's
 * layering writes 50 (IPv4 20, UDP 8, VXLAN 8, inner Ethernet 14). mirrorlite does not invent the
 * 4 bytes AWS does not explain, but it truncates where AWS does: the outer IP packet is kept to
 * MTU - 4 bytes, so an inner IP packet of MTU - 54 bytes is the largest that arrives whole.
 */
export const MTU_BUDGET_GAP = 4;
export const OUTER_TTL = 64;
export const MAX_VNI = 0xffffff;

const IP = ETHERNET_HEADER_LENGTH;
const UDP = IP + IPV4_HEADER_LENGTH;
const VXLAN = UDP + UDP_HEADER_LENGTH;
const IP_UDP_VXLAN_LENGTH = IPV4_HEADER_LENGTH + UDP_HEADER_LENGTH + VXLAN_HEADER_LENGTH;

export interface VxlanEncapsulation {
  sourceMac: string;
  destinationMac: string;
  sourceIpv4: string;
  destinationIpv4: string;
  /** 24-bit VXLAN Network Identifier. */
  vni: number;
  /** Keep at most this many bytes of the inner frame; 0 or absent: the whole frame. */
  packetLength?: number;
  /** The target's MTU: the outer IP packet is kept to MTU - MTU_BUDGET_GAP bytes; 0 or absent: no limit. */
  mtu?: number;
}

/**
 * The outer headers of one session, built once; encode() then writes them with the four fields
 * that vary per packet (IPv4 total length and checksum, UDP source port and length) merged in.
 */
export class VxlanEncapsulator {
  /** The outer headers as big-endian words (48 bytes) and a 16-bit tail (the last 2 bytes). */
  private readonly templateWords = new Uint32Array(12);
  private readonly templateTail: number;
  // Twelve 32-bit stores through a DataView cost about half of TypedArray.set of the 50-byte
  // template (measured on Node 20). The view is cached for the output buffer last written.
  private view: DataView | null = null;
  private viewTarget: Uint8Array | null = null;
  private readonly copier = new ByteCopier();
  /** The IPv4 header sum without the total length and checksum fields. */
  private readonly headerSum: number;
  private readonly packetLength: number;
  private readonly mtu: number;

  constructor(fields: VxlanEncapsulation) {
    const sourceMac = parseMac(fields.sourceMac);
    const destinationMac = parseMac(fields.destinationMac);
    const sourceIpv4 = parseIpv4(fields.sourceIpv4);
    const destinationIpv4 = parseIpv4(fields.destinationIpv4);
    if (!sourceMac) throw new RangeError(`bad source MAC '${fields.sourceMac}'`);
    if (!destinationMac) throw new RangeError(`bad destination MAC '${fields.destinationMac}'`);
    if (sourceIpv4 < 0) throw new RangeError(`bad source IPv4 '${fields.sourceIpv4}'`);
    if (destinationIpv4 < 0) throw new RangeError(`bad destination IPv4 '${fields.destinationIpv4}'`);
    if (!Number.isInteger(fields.vni) || fields.vni < 0 || fields.vni > MAX_VNI) throw new RangeError(`bad VNI ${fields.vni}`);
    const packetLength = fields.packetLength ?? 0;
    const mtu = fields.mtu ?? 0;
    if (!Number.isInteger(packetLength) || packetLength < 0) throw new RangeError(`bad packet length ${packetLength}`);
    if (!Number.isInteger(mtu) || (mtu !== 0 && mtu < MIN_IPV4_MTU) || mtu > 0xffff) throw new RangeError(`bad MTU ${mtu}`);
    this.packetLength = packetLength;
    this.mtu = mtu;

    const t = new Uint8Array(VXLAN_OVERHEAD);
    t.set(destinationMac, 0);
    t.set(sourceMac, 6);
    writeU16BE(t, 12, ETHERTYPE_IPV4);
    t[IP] = 0x45; // version 4, 5 words: no options
    writeU16BE(t, IP + 6, 0x4000); // DF, offset 0
    t[IP + 8] = OUTER_TTL;
    t[IP + 9] = IP_PROTOCOL_UDP;
    writeU32BE(t, IP + 12, sourceIpv4);
    writeU32BE(t, IP + 16, destinationIpv4);
    writeU16BE(t, UDP + 2, VXLAN_UDP_PORT);
    t[VXLAN] = VXLAN_FLAGS_VNI_VALID;
    t[VXLAN + 4] = fields.vni >>> 16;
    t[VXLAN + 5] = (fields.vni >>> 8) & 0xff;
    t[VXLAN + 6] = fields.vni & 0xff;
    this.headerSum = onesComplementSum(t, IP, IPV4_HEADER_LENGTH);
    for (let i = 0; i < 12; i++) this.templateWords[i] = readU32BE(t, 4 * i);
    this.templateTail = readU16BE(t, 48);
  }

  /** Inner bytes that encode() keeps of a frame of `innerLength` bytes. */
  keptInnerLength(innerLength: number): number {
    let kept = this.packetLength > 0 && innerLength > this.packetLength ? this.packetLength : innerLength;
    const room = this.mtu - MTU_BUDGET_GAP - IP_UDP_VXLAN_LENGTH;
    if (this.mtu > 0 && kept > room) kept = room;
    return kept;
  }

  /** Bytes that encode() writes for an inner frame of `innerLength` bytes. */
  encodedLength(innerLength: number): number {
    return VXLAN_OVERHEAD + this.keptInnerLength(innerLength);
  }

  /**
   * Writes the outer frame for `inner[innerOffset, innerOffset + innerLength)` at `out[outOffset]`
   * and returns the bytes written. Throws RangeError when `out` is too small or the inner range
   * lies outside `inner`: both are caller bugs, and a silent short write would corrupt a capture.
   */
  encode(out: Uint8Array, outOffset: number, inner: Uint8Array, innerOffset: number, innerLength: number, sourcePort: number): number {
    if (innerOffset < 0 || innerLength < 0 || innerOffset + innerLength > inner.length) throw new RangeError('inner frame outside its buffer');
    const kept = this.keptInnerLength(innerLength);
    const written = VXLAN_OVERHEAD + kept;
    if (outOffset < 0 || outOffset + written > out.length) throw new RangeError(`need ${written} bytes at offset ${outOffset}, buffer has ${out.length}`);
    const ipLength = IP_UDP_VXLAN_LENGTH + kept;
    const checksum = finishChecksum(this.headerSum + ipLength);
    let view = this.view;
    if (this.viewTarget !== out || view === null) {
      view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      this.view = view;
      this.viewTarget = out;
    }
    const t = this.templateWords;
    const o = outOffset;
    view.setUint32(o, t[0]!); // destination MAC
    view.setUint32(o + 4, t[1]!); // destination MAC, source MAC
    view.setUint32(o + 8, t[2]!); // source MAC
    view.setUint32(o + 12, t[3]!); // EtherType, IPv4 version/IHL, TOS
    view.setUint32(o + 16, ((ipLength << 16) | (t[4]! & 0xffff)) >>> 0); // total length, identification
    view.setUint32(o + 20, t[5]!); // flags/fragment offset, TTL, protocol
    view.setUint32(o + 24, ((checksum << 16) | (t[6]! & 0xffff)) >>> 0); // header checksum, source address
    view.setUint32(o + 28, t[7]!); // source address, destination address
    view.setUint32(o + 32, ((t[8]! & 0xffff0000) | sourcePort) >>> 0); // destination address, UDP source port
    view.setUint32(o + 36, ((t[9]! & 0xffff0000) | (ipLength - IPV4_HEADER_LENGTH)) >>> 0); // UDP destination port, length
    view.setUint32(o + 40, t[10]!); // UDP checksum (0), VXLAN flags and reserved
    view.setUint32(o + 44, t[11]!); // reserved, VNI
    view.setUint16(o + 48, this.templateTail); // VNI low byte, reserved
    this.copier.copy(inner, innerOffset, out, outOffset + VXLAN_OVERHEAD, kept);
    return written;
  }
}

/** One-shot form of VxlanEncapsulator.encode (it builds the outer headers each call). */
export function encodeVxlan(out: Uint8Array, outOffset: number, fields: VxlanEncapsulation, inner: Uint8Array, innerOffset: number, innerLength: number, sourcePort: number): number {
  return new VxlanEncapsulator(fields).encode(out, outOffset, inner, innerOffset, innerLength, sourcePort);
}

export interface DecodedVxlan {
  destinationMac: string;
  sourceMac: string;
  sourceIpv4: string;
  destinationIpv4: string;
  ipHeaderLength: number;
  ipTotalLength: number;
  identification: number;
  dontFragment: boolean;
  moreFragments: boolean;
  fragmentOffset: number;
  ttl: number;
  ipChecksum: number;
  /** The header checksum verifies (the sum over the header, checksum included, is 0xffff). */
  ipChecksumValid: boolean;
  sourcePort: number;
  destinationPort: number;
  udpLength: number;
  udpChecksum: number;
  vxlanFlags: number;
  /** The 24 reserved bits after the flags and the 8 after the VNI, as numbers. */
  vxlanReserved1: number;
  vxlanReserved2: number;
  vni: number;
  /** The inner frame: a view into the input, not a copy. */
  inner: Uint8Array;
}

export type VxlanDecodeResult = { ok: true; value: DecodedVxlan } | { ok: false; error: string };

/**
 * Parses an outer frame written by encode() (or by AWS): Ethernet, IPv4, UDP, VXLAN. Checks every
 * length against the bytes present, so a truncated or inconsistent frame gives an error, not a
 * read past the end. Tests and tools use it; the hot path never decodes VXLAN.
 */
export function decodeVxlan(frame: Uint8Array): VxlanDecodeResult {
  const fail = (error: string): VxlanDecodeResult => ({ ok: false, error });
  if (frame.length < ETHERNET_HEADER_LENGTH) return fail('truncated-ethernet');
  if (readU16BE(frame, 12) !== ETHERTYPE_IPV4) return fail('not-ipv4');
  if (frame.length < IP + IPV4_HEADER_LENGTH) return fail('truncated-ipv4-header');
  if (frame[IP]! >> 4 !== 4) return fail('ipv4-bad-version');
  const ipHeaderLength = (frame[IP]! & 0x0f) * 4;
  if (ipHeaderLength < IPV4_HEADER_LENGTH) return fail('ipv4-bad-header-length');
  if (frame.length < IP + ipHeaderLength) return fail('truncated-ipv4-header');
  const ipTotalLength = readU16BE(frame, IP + 2);
  if (ipTotalLength < ipHeaderLength) return fail('ipv4-bad-total-length');
  if (IP + ipTotalLength > frame.length) return fail('truncated-ipv4-packet');
  if (frame[IP + 9] !== IP_PROTOCOL_UDP) return fail('not-udp');
  const fragment = readU16BE(frame, IP + 6);
  if ((fragment & 0x3fff) !== 0) return fail('ipv4-fragment');
  const udp = IP + ipHeaderLength;
  const ipEnd = IP + ipTotalLength;
  if (udp + UDP_HEADER_LENGTH > ipEnd) return fail('truncated-udp-header');
  const udpLength = readU16BE(frame, udp + 4);
  if (udpLength !== ipTotalLength - ipHeaderLength) return fail('udp-length-mismatch');
  const destinationPort = readU16BE(frame, udp + 2);
  if (destinationPort !== VXLAN_UDP_PORT) return fail('not-vxlan-port');
  const vxlan = udp + UDP_HEADER_LENGTH;
  if (vxlan + VXLAN_HEADER_LENGTH > ipEnd) return fail('truncated-vxlan-header');
  const vxlanFlags = frame[vxlan]!;
  if ((vxlanFlags & VXLAN_FLAGS_VNI_VALID) === 0) return fail('vxlan-vni-not-valid');
  return {
    ok: true,
    value: {
      destinationMac: formatMac(frame, 0),
      sourceMac: formatMac(frame, 6),
      sourceIpv4: formatIpv4(readU32BE(frame, IP + 12)),
      destinationIpv4: formatIpv4(readU32BE(frame, IP + 16)),
      ipHeaderLength,
      ipTotalLength,
      identification: readU16BE(frame, IP + 4),
      dontFragment: (fragment & 0x4000) !== 0,
      moreFragments: (fragment & 0x2000) !== 0,
      fragmentOffset: (fragment & 0x1fff) * 8,
      ttl: frame[IP + 8]!,
      ipChecksum: readU16BE(frame, IP + 10),
      ipChecksumValid: finishChecksum(onesComplementSum(frame, IP, ipHeaderLength)) === 0,
      sourcePort: readU16BE(frame, udp),
      destinationPort,
      udpLength,
      udpChecksum: readU16BE(frame, udp + 6),
      vxlanFlags,
      vxlanReserved1: (frame[vxlan + 1]! << 16) | (frame[vxlan + 2]! << 8) | frame[vxlan + 3]!,
      vxlanReserved2: frame[vxlan + 7]!,
      vni: (frame[vxlan + 4]! << 16) | (frame[vxlan + 5]! << 8) | frame[vxlan + 6]!,
      inner: frame.subarray(vxlan + VXLAN_HEADER_LENGTH, ipEnd),
    },
  };
}
