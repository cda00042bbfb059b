// Builds Ethernet frames for tests and sample captures: 802.1Q/802.1ad tags, IPv4 (options,
// fragments), IPv6 (extension headers), TCP, UDP, ICMP, ICMPv6, ARP, and DNS and DHCP payloads.
// Every checksum is valid unless a test asks otherwise. Layers are built inside out: the payload,
// then the transport header (whose checksum covers the IP pseudo-header), then IP, then Ethernet.
//
//   buildIpFrame({ source: '10.0.0.5', destination: '10.0.1.9', tcp: { sourcePort: 40000, destinationPort: 443, flags: 'S' } })
//   tcpFrame('2001:db8::5', 40000, '2001:db8::9', 443, { payload: 'hello' })
//   udpFrame('10.0.0.5', 53000, '10.0.0.2', 53, { payload: dnsQuery('example.com') })

import { writeU16BE, writeU32BE } from './byte-order.js';
import { finishChecksum, onesComplementSum } from './checksum.js';
import { parseIpv4, parseIpv6, parseMac } from '../net/cidr.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_VLAN, IP_PROTOCOL_ICMP, IP_PROTOCOL_ICMPV6, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP } from './packet-decoder.js';

export const DEFAULT_SOURCE_MAC = '02:00:00:00:00:01';
export const DEFAULT_DESTINATION_MAC = '02:00:00:00:00:02';
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

export interface VlanTag {
  id: number;
  priority?: number;
  dropEligible?: boolean;
  /** 0x8100 (802.1Q, the default) or 0x88a8 (802.1ad). */
  tpid?: number;
}

export interface EthernetSpec {
  source?: string;
  destination?: string;
  /** Outermost first. */
  vlans?: readonly VlanTag[];
}

export interface Ipv4Spec {
  ttl?: number;
  tos?: number;
  identification?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** In bytes; a multiple of 8. A non-zero offset means the payload carries no transport header. */
  fragmentOffset?: number;
  /** Raw option bytes, padded with zeros (end of options) to a multiple of 4. */
  options?: Uint8Array;
}

export type Ipv6ExtensionHeader =
  | { type: 'hop-by-hop' | 'destination-options'; options?: Uint8Array }
  | { type: 'routing'; routingType?: number; segmentsLeft?: number; data?: Uint8Array }
  | { type: 'fragment'; offset?: number; moreFragments?: boolean; identification?: number };

export interface Ipv6Spec {
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  extensionHeaders?: readonly Ipv6ExtensionHeader[];
}

export interface TcpSpec {
  sourcePort: number;
  destinationPort: number;
  sequence?: number;
  acknowledgment?: number;
  /** A number, or letters of "FSRPAUEC" such as 'S', 'SA', 'PA'. Default 'S' with no payload, 'PA' with one. */
  flags?: number | string;
  window?: number;
  /** Raw option bytes, padded with zeros to a multiple of 4. */
  options?: Uint8Array;
}

export interface UdpSpec {
  sourcePort: number;
  destinationPort: number;
}

/** ICMP for IPv4 sources, ICMPv6 for IPv6 ones. */
export interface IcmpSpec {
  type: number;
  code?: number;
  /** Bytes 4-7 as two 16-bit fields: identifier and sequence for echo messages. */
  identifier?: number;
  sequence?: number;
}

export interface IpFrameSpec {
  ethernet?: EthernetSpec;
  /** IPv4 or IPv6 address text: the family follows from it. */
  source: string;
  destination: string;
  ipv4?: Ipv4Spec;
  ipv6?: Ipv6Spec;
  tcp?: TcpSpec;
  udp?: UdpSpec;
  icmp?: IcmpSpec;
  /** The IP protocol when none of tcp, udp, icmp is given: the payload is sent as it is. */
  protocol?: number;
  payload?: Uint8Array | string;
}

export function buildIpFrame(spec: IpFrameSpec): Buffer {
  const transports = [spec.tcp, spec.udp, spec.icmp, spec.protocol].filter((x) => x !== undefined).length;
  if (transports > 1) throw new Error('give at most one of tcp, udp, icmp, protocol');
  const payload = toBytes(spec.payload);
  const ipv6 = spec.source.includes(':');
  if (ipv6 !== spec.destination.includes(':')) throw new Error('source and destination are of different families');
  if (ipv6 ? spec.ipv4 : spec.ipv6) throw new Error(`${ipv6 ? 'ipv4' : 'ipv6'} options on an ${ipv6 ? 'IPv6' : 'IPv4'} packet`);
  const source = ipv6 ? addressBytes6(spec.source) : addressBytes4(spec.source);
  const destination = ipv6 ? addressBytes6(spec.destination) : addressBytes4(spec.destination);

  const fragmentOffset = ipv6 ? (spec.ipv6?.extensionHeaders?.find((h) => h.type === 'fragment') as { offset?: number } | undefined)?.offset ?? 0 : spec.ipv4?.fragmentOffset ?? 0;
  if (fragmentOffset !== 0 && (spec.tcp || spec.udp || spec.icmp)) throw new Error('a non-first fragment has no transport header: give protocol and payload');

  let protocol: number;
  let segment: Uint8Array;
  if (spec.tcp) {
    protocol = IP_PROTOCOL_TCP;
    segment = tcpSegment(spec.tcp, payload, source, destination);
  } else if (spec.udp) {
    protocol = IP_PROTOCOL_UDP;
    segment = udpDatagram(spec.udp, payload, source, destination);
  } else if (spec.icmp) {
    protocol = ipv6 ? IP_PROTOCOL_ICMPV6 : IP_PROTOCOL_ICMP;
    segment = icmpMessage(spec.icmp, payload, ipv6 ? { source, destination } : undefined);
  } else {
    protocol = spec.protocol ?? 59; // IPv6 "no next header", also unassigned-looking for IPv4 tests
    segment = payload;
  }
  const packet = ipv6 ? ipv6Packet(spec.ipv6 ?? {}, protocol, source, destination, segment) : ipv4Packet(spec.ipv4 ?? {}, protocol, source, destination, segment);
  return ethernetFrame(spec.ethernet ?? {}, ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, packet);
}

type FrameExtras = Omit<IpFrameSpec, 'source' | 'destination' | 'tcp' | 'udp' | 'icmp' | 'protocol'>;

export function tcpFrame(source: string, sourcePort: number, destination: string, destinationPort: number, extras: FrameExtras & { tcp?: Partial<TcpSpec> } = {}): Buffer {
  const { tcp, ...rest } = extras;
  return buildIpFrame({ ...rest, source, destination, tcp: { ...tcp, sourcePort, destinationPort } });
}

export function udpFrame(source: string, sourcePort: number, destination: string, destinationPort: number, extras: FrameExtras = {}): Buffer {
  return buildIpFrame({ ...extras, source, destination, udp: { sourcePort, destinationPort } });
}

/** An echo request (ICMP type 8, ICMPv6 type 128), or a reply with `reply: true`. */
export function icmpEchoFrame(source: string, destination: string, extras: FrameExtras & { identifier?: number; sequence?: number; reply?: boolean } = {}): Buffer {
  const { identifier = 1, sequence = 1, reply = false, ...rest } = extras;
  const ipv6 = source.includes(':');
  const type = ipv6 ? (reply ? 129 : 128) : reply ? 0 : 8;
  return buildIpFrame({ ...rest, source, destination, icmp: { type, code: 0, identifier, sequence } });
}

export interface ArpSpec {
  ethernet?: EthernetSpec;
  /** 1 request (default), 2 reply. */
  operation?: number;
  senderMac: string;
  senderIp: string;
  targetMac?: string;
  targetIp: string;
}

/** An Ethernet/IPv4 ARP packet; a request goes to the broadcast address unless told otherwise. */
export function buildArpFrame(spec: ArpSpec): Buffer {
  const operation = spec.operation ?? 1;
  const body = new Uint8Array(28);
  writeU16BE(body, 0, 1); // hardware: Ethernet
  writeU16BE(body, 2, ETHERTYPE_IPV4);
  body[4] = 6;
  body[5] = 4;
  writeU16BE(body, 6, operation);
  body.set(macBytes(spec.senderMac), 8);
  body.set(addressBytes4(spec.senderIp), 14);
  body.set(macBytes(spec.targetMac ?? '00:00:00:00:00:00'), 18);
  body.set(addressBytes4(spec.targetIp), 24);
  const ethernet: EthernetSpec = { source: spec.senderMac, destination: operation === 1 ? BROADCAST_MAC : (spec.targetMac ?? BROADCAST_MAC), ...spec.ethernet };
  return ethernetFrame(ethernet, ETHERTYPE_ARP, body);
}

/** Ethernet header (with tags) around a payload. */
export function ethernetFrame(spec: EthernetSpec, etherType: number, payload: Uint8Array): Buffer {
  const vlans = spec.vlans ?? [];
  const frame = Buffer.alloc(14 + 4 * vlans.length + payload.length);
  frame.set(macBytes(spec.destination ?? DEFAULT_DESTINATION_MAC), 0);
  frame.set(macBytes(spec.source ?? DEFAULT_SOURCE_MAC), 6);
  let p = 12;
  for (const tag of vlans) {
    if (!(Number.isInteger(tag.id) && tag.id >= 0 && tag.id <= 0xfff)) throw new Error(`bad VLAN ID ${tag.id}`);
    writeU16BE(frame, p, tag.tpid ?? ETHERTYPE_VLAN);
    writeU16BE(frame, p + 2, ((tag.priority ?? 0) << 13) | (tag.dropEligible ? 0x1000 : 0) | tag.id);
    p += 4;
  }
  writeU16BE(frame, p, etherType);
  frame.set(payload, p + 2);
  return frame;
}

export function ipv4Packet(spec: Ipv4Spec, protocol: number, source: Uint8Array, destination: Uint8Array, payload: Uint8Array): Uint8Array {
  const options = padTo4(spec.options ?? new Uint8Array(0));
  const headerLength = 20 + options.length;
  if (headerLength > 60) throw new Error('IPv4 options longer than 40 bytes');
  const fragmentOffset = spec.fragmentOffset ?? 0;
  if (fragmentOffset % 8 !== 0 || fragmentOffset > 0xfff8) throw new Error(`bad fragment offset ${fragmentOffset}`);
  const totalLength = headerLength + payload.length;
  if (totalLength > 0xffff) throw new Error('IPv4 packet longer than 65535 bytes');
  const packet = new Uint8Array(totalLength);
  packet[0] = 0x40 | (headerLength / 4);
  packet[1] = spec.tos ?? 0;
  writeU16BE(packet, 2, totalLength);
  writeU16BE(packet, 4, spec.identification ?? 0);
  writeU16BE(packet, 6, (spec.dontFragment ? 0x4000 : 0) | (spec.moreFragments ? 0x2000 : 0) | (fragmentOffset / 8));
  packet[8] = spec.ttl ?? 64;
  packet[9] = protocol;
  packet.set(source, 12);
  packet.set(destination, 16);
  packet.set(options, 20);
  writeU16BE(packet, 10, finishChecksum(onesComplementSum(packet, 0, headerLength)));
  packet.set(payload, headerLength);
  return packet;
}

export function ipv6Packet(spec: Ipv6Spec, protocol: number, source: Uint8Array, destination: Uint8Array, payload: Uint8Array): Uint8Array {
  const headers = spec.extensionHeaders ?? [];
  const encoded: Uint8Array[] = [];
  const types: number[] = [];
  for (const header of headers) {
    if (header.type === 'fragment') {
      const body = new Uint8Array(8);
      const offset = header.offset ?? 0;
      if (offset % 8 !== 0 || offset > 0xfff8) throw new Error(`bad fragment offset ${offset}`);
      writeU16BE(body, 2, offset | (header.moreFragments ? 1 : 0));
      writeU32BE(body, 4, header.identification ?? 0);
      encoded.push(body);
      types.push(44);
    } else if (header.type === 'routing') {
      const data = header.data ?? new Uint8Array(4);
      const body = new Uint8Array(padTo8Length(4 + data.length));
      body[2] = header.routingType ?? 0;
      body[3] = header.segmentsLeft ?? 0;
      body.set(data, 4);
      encoded.push(body);
      types.push(43);
    } else {
      // PadN fills what the options leave (RFC 8200 section 4.2), so the header stays well formed.
      const options = header.options ?? new Uint8Array(0);
      const length = padTo8Length(2 + options.length);
      const body = new Uint8Array(length);
      body.set(options, 2);
      const padding = length - 2 - options.length;
      if (padding === 1) body[2 + options.length] = 0; // Pad1
      else if (padding > 1) {
        body[2 + options.length] = 1; // PadN
        body[3 + options.length] = padding - 2;
      }
      encoded.push(body);
      types.push(header.type === 'hop-by-hop' ? 0 : 60);
    }
  }
  const extensionLength = encoded.reduce((sum, body) => sum + body.length, 0);
  const payloadLength = extensionLength + payload.length;
  if (payloadLength > 0xffff) throw new Error('IPv6 payload longer than 65535 bytes');
  const packet = new Uint8Array(40 + payloadLength);
  writeU32BE(packet, 0, (6 << 28) | ((spec.trafficClass ?? 0) << 20) | (spec.flowLabel ?? 0));
  writeU16BE(packet, 4, payloadLength);
  packet[6] = types.length > 0 ? types[0]! : protocol;
  packet[7] = spec.hopLimit ?? 64;
  packet.set(source, 8);
  packet.set(destination, 24);
  let p = 40;
  encoded.forEach((body, i) => {
    body[0] = i + 1 < types.length ? types[i + 1]! : protocol;
    if (types[i] !== 44) body[1] = body.length / 8 - 1;
    packet.set(body, p);
    p += body.length;
  });
  packet.set(payload, p);
  return packet;
}

/** A TCP segment with its checksum over the pseudo-header of `source` and `destination` (4 or 16 bytes each). */
export function tcpSegment(spec: TcpSpec, payload: Uint8Array, source: Uint8Array, destination: Uint8Array): Uint8Array {
  const options = padTo4(spec.options ?? new Uint8Array(0));
  const headerLength = 20 + options.length;
  if (headerLength > 60) throw new Error('TCP options longer than 40 bytes');
  const segment = new Uint8Array(headerLength + payload.length);
  writeU16BE(segment, 0, spec.sourcePort);
  writeU16BE(segment, 2, spec.destinationPort);
  writeU32BE(segment, 4, spec.sequence ?? 1);
  writeU32BE(segment, 8, spec.acknowledgment ?? 0);
  const flags = tcpFlags(spec.flags ?? (payload.length > 0 ? 'PA' : 'S'));
  segment[12] = ((headerLength / 4) << 4) | ((flags >> 8) & 1);
  segment[13] = flags & 0xff;
  writeU16BE(segment, 14, spec.window ?? 65535);
  segment.set(options, 20);
  segment.set(payload, headerLength);
  writeU16BE(segment, 16, transportChecksum(segment, IP_PROTOCOL_TCP, source, destination));
  return segment;
}

export function udpDatagram(spec: UdpSpec, payload: Uint8Array, source: Uint8Array, destination: Uint8Array): Uint8Array {
  const datagram = new Uint8Array(8 + payload.length);
  writeU16BE(datagram, 0, spec.sourcePort);
  writeU16BE(datagram, 2, spec.destinationPort);
  writeU16BE(datagram, 4, datagram.length);
  datagram.set(payload, 8);
  const checksum = transportChecksum(datagram, IP_PROTOCOL_UDP, source, destination);
  writeU16BE(datagram, 6, checksum === 0 ? 0xffff : checksum); // 0 means "no checksum" in UDP
  return datagram;
}

/** ICMP message; with `pseudoHeader` it is ICMPv6, whose checksum covers the IPv6 pseudo-header. */
export function icmpMessage(spec: IcmpSpec, payload: Uint8Array, pseudoHeader?: { source: Uint8Array; destination: Uint8Array }): Uint8Array {
  const message = new Uint8Array(8 + payload.length);
  message[0] = spec.type;
  message[1] = spec.code ?? 0;
  writeU16BE(message, 4, spec.identifier ?? 0);
  writeU16BE(message, 6, spec.sequence ?? 0);
  message.set(payload, 8);
  const checksum = pseudoHeader
    ? transportChecksum(message, IP_PROTOCOL_ICMPV6, pseudoHeader.source, pseudoHeader.destination)
    : finishChecksum(onesComplementSum(message, 0, message.length));
  writeU16BE(message, 2, checksum);
  return message;
}

/** RFC 793/768/8200 pseudo-header checksum of a transport segment whose checksum field is zero. */
export function transportChecksum(segment: Uint8Array, protocol: number, source: Uint8Array, destination: Uint8Array): number {
  let sum = onesComplementSum(source, 0, source.length);
  sum = onesComplementSum(destination, 0, destination.length, sum);
  // IPv4: zero, protocol, 16-bit length. IPv6: 32-bit length, three zeros, next header. Both
  // sum to protocol + length when the length fits in 16 bits, as it always does here.
  sum += protocol + segment.length;
  return finishChecksum(onesComplementSum(segment, 0, segment.length, sum));
}

/** A DNS query (RFC 1035) asking for `name`, recursion desired. */
export function dnsQuery(name: string, options: { id?: number; type?: number } = {}): Uint8Array {
  const labels = name.split('.').filter((label) => label.length > 0);
  const nameBytes: number[] = [];
  for (const label of labels) {
    if (label.length > 63) throw new Error(`DNS label longer than 63 bytes: ${label}`);
    nameBytes.push(label.length, ...Buffer.from(label, 'ascii'));
  }
  nameBytes.push(0);
  const message = new Uint8Array(12 + nameBytes.length + 4);
  writeU16BE(message, 0, options.id ?? 0x1234);
  writeU16BE(message, 2, 0x0100); // standard query, recursion desired
  writeU16BE(message, 4, 1); // one question
  message.set(nameBytes, 12);
  writeU16BE(message, 12 + nameBytes.length, options.type ?? 1); // A
  writeU16BE(message, 14 + nameBytes.length, 1); // class IN
  return message;
}

/** A DHCPDISCOVER (RFC 2131) from `clientMac`: send it from 0.0.0.0:68 to 255.255.255.255:67. */
export function dhcpDiscover(clientMac: string, transactionId = 0x3903f326): Uint8Array {
  const message = new Uint8Array(244);
  message[0] = 1; // BOOTREQUEST
  message[1] = 1; // Ethernet
  message[2] = 6;
  writeU32BE(message, 4, transactionId);
  writeU16BE(message, 10, 0x8000); // broadcast: the client has no address yet
  message.set(macBytes(clientMac), 28);
  writeU32BE(message, 236, 0x63825363); // magic cookie
  message[240] = 53; // DHCP message type
  message[241] = 1;
  message[242] = 1; // DISCOVER
  message[243] = 255; // end
  return message;
}

function tcpFlags(flags: number | string): number {
  if (typeof flags === 'number') return flags;
  let value = 0;
  for (const letter of flags.toUpperCase()) {
    const bit = 'FSRPAUEC'.indexOf(letter);
    if (bit < 0) throw new Error(`bad TCP flag '${letter}'`);
    value |= 1 << bit;
  }
  return value;
}

function toBytes(payload: Uint8Array | string | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
}

function addressBytes4(text: string): Uint8Array {
  const value = parseIpv4(text);
  if (value < 0) throw new Error(`bad IPv4 address '${text}'`);
  const bytes = new Uint8Array(4);
  writeU32BE(bytes, 0, value);
  return bytes;
}

function addressBytes6(text: string): Uint8Array {
  const words = parseIpv6(text);
  if (!words) throw new Error(`bad IPv6 address '${text}'`);
  const bytes = new Uint8Array(16);
  for (let w = 0; w < 4; w++) writeU32BE(bytes, 4 * w, words[w]!);
  return bytes;
}

function macBytes(text: string): Uint8Array {
  const bytes = parseMac(text);
  if (!bytes) throw new Error(`bad MAC address '${text}'`);
  return bytes;
}

function padTo4(bytes: Uint8Array): Uint8Array {
  if (bytes.length % 4 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 4 - (bytes.length % 4));
  padded.set(bytes);
  return padded;
}

function padTo8Length(length: number): number {
  return Math.ceil(length / 8) * 8;
}

