// The outer UDP source port of a mirrored packet. AWS: "determined by a 5-tuple hash of the original
// L2 packet, for ICMP, TCP, and UDP flows. For other flows, the port is determined by a 3-tuple hash."
// AWS does not publish its hash; mirrorlite's, exactly:
//
//   1. The tuple. Endpoints are (address, port). For TCP and UDP the ports are the packet's; for
//      ICMP and ICMPv6 both ports are the echo identifier for echo request/reply and 0 for every
//      other message. That is the 5-tuple. Every fragment of a fragmented datagram, the first one
//      included, uses the 3-tuple (addresses and protocol), as do other protocols and packets whose
//      header is too short for ports: later fragments have no ports, and the fragments of one
//      datagram must leave on one port, or an NLB or GWLB spreads them over appliances that cannot
//      reassemble them. Unfragmented packets of the same flow keep their 5-tuple port.
//   2. Symmetry. The two endpoints are put in order, lower address first (IPv6: word by word), the
//      lower port first when the addresses are equal. Both directions of a connection then get the
//      same port, so an NLB or GWLB target, which balances on the outer 5-tuple, sends a whole
//      connection to one appliance.
//   3. The bytes, in this order: low address (4 or 16 bytes, network order), high address,
//      protocol (1 byte), then for the 5-tuple low-endpoint port and high-endpoint port (2 bytes
//      each, network order). For a frame that is not IP (never mirrored in practice) the bytes are
//      just the EtherType (2 bytes).
//   4. h = FNV-1a 32-bit over those bytes (offset basis 0x811c9dc5, prime 0x01000193).
//   5. port = 49152 + ((h ^ (h >>> 14)) & 0x3fff): the 32-bit hash xor-folded to 14 bits (FNV's own
//      advice for short hashes, better than keeping only the low bits) and put in 49152-65535,
//      the IANA dynamic range.

import { IP_PROTOCOL_ICMP, IP_PROTOCOL_ICMPV6, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, type DecodedFrame } from './packet-decoder.js';

export const FLOW_PORT_MIN = 49152;
export const FLOW_PORT_MAX = 65535;

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvByte(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME);
}

function fnvWord32(h: number, word: number): number {
  h = fnvByte(h, word >>> 24);
  h = fnvByte(h, (word >>> 16) & 0xff);
  h = fnvByte(h, (word >>> 8) & 0xff);
  return fnvByte(h, word & 0xff);
}

function fnvWord16(h: number, word: number): number {
  return fnvByte(fnvByte(h, word >>> 8), word & 0xff);
}

/** Maps a 32-bit hash to the outer source port range. */
export function foldToFlowPort(h: number): number {
  h >>>= 0;
  return FLOW_PORT_MIN + ((h ^ (h >>> 14)) & 0x3fff);
}

/** The outer UDP source port for a decoded inner frame; the same for both directions of a flow. */
export function flowSourcePort(frame: DecodedFrame): number {
  let h = FNV_OFFSET_BASIS;
  const family = frame.family;
  if (family === 0) return foldToFlowPort(fnvWord16(h, frame.etherType));

  const protocol = frame.protocol;
  let fiveTuple = false;
  let srcPort = 0;
  let dstPort = 0;
  if (frame.isFragment) {
    // the 3-tuple, for every fragment
  } else if ((protocol === IP_PROTOCOL_TCP || protocol === IP_PROTOCOL_UDP) && frame.hasPorts) {
    fiveTuple = true;
    srcPort = frame.srcPort;
    dstPort = frame.dstPort;
  } else if ((protocol === IP_PROTOCOL_ICMP || protocol === IP_PROTOCOL_ICMPV6) && frame.icmpType >= 0) {
    fiveTuple = true;
    srcPort = dstPort = frame.icmpIdentifier >= 0 ? frame.icmpIdentifier : 0;
  }

  let sourceFirst: boolean;
  if (family === 4) {
    const src = frame.srcIpv4;
    const dst = frame.dstIpv4;
    sourceFirst = src < dst || (src === dst && srcPort <= dstPort);
    h = fnvWord32(h, sourceFirst ? src : dst);
    h = fnvWord32(h, sourceFirst ? dst : src);
  } else {
    const src = frame.srcIpv6;
    const dst = frame.dstIpv6;
    let order = 0;
    for (let w = 0; w < 4 && order === 0; w++) order = src[w]! < dst[w]! ? -1 : src[w]! > dst[w]! ? 1 : 0;
    sourceFirst = order < 0 || (order === 0 && srcPort <= dstPort);
    const low = sourceFirst ? src : dst;
    const high = sourceFirst ? dst : src;
    for (let w = 0; w < 4; w++) h = fnvWord32(h, low[w]!);
    for (let w = 0; w < 4; w++) h = fnvWord32(h, high[w]!);
  }
  h = fnvByte(h, protocol & 0xff);
  if (fiveTuple) {
    h = fnvWord16(h, sourceFirst ? srcPort : dstPort);
    h = fnvWord16(h, sourceFirst ? dstPort : srcPort);
  }
  return foldToFlowPort(h);
}

/** FNV-1a 32-bit of a byte string, exported so tests can recompute the port independently. */
export function fnv1a32(bytes: ArrayLike<number>): number {
  let h = FNV_OFFSET_BASIS;
  for (let i = 0; i < bytes.length; i++) h = fnvByte(h, bytes[i]!);
  return h >>> 0;
}
