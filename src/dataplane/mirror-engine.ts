// Decides, frame by frame, whether and by which session a source ENI's traffic is mirrored, and
// encapsulates it. A MirrorConfig snapshot is compiled once per control-plane change (addresses
// to numbers, sessions sorted, filters compiled, VXLAN headers prebuilt); evaluating a frame then
// allocates nothing.
//
// The decision, in order (spec section 6, decisions.md "Data plane"; reasons in mirror-reasons.ts):
//   1. the frame is decoded;
//   2. classes that are never mirrored: ARP; instance metadata and Time Sync (NTP) by address
//      (169.254.169.254 / fd00:ec2::254, 169.254.169.123 / fd00:ec2::123); DHCP by port (UDP 67
//      or 68, and DHCPv6's 546 or 547); Windows activation by address (the Amazon KMS servers
//      EC2's Windows instances activate against: 169.254.169.250, 169.254.169.251 and
//      fd00:ec2::250, which serve nothing else; a customer's own KMS host on TCP 1688 is ordinary
//      traffic);
//   3. direction: ingress when the destination address is one of the ENI's, egress when the
//      source is (both: egress); neither means not the ENI's traffic;
//   4. Amazon DNS (UDP or TCP with port 53 on the resolver's side, the resolver being a VPC
//      IPv4 CIDR base + 2, 169.254.169.253 or fd00:ec2::253; for a fragment or a header too short
//      for ports, UDP or TCP to or from the resolver, which answers nothing but DNS) skips the
//      rules: the first session whose filter has `amazon-dns` mirrors it, in either direction;
//   5. otherwise the ENI's sessions by ascending SessionNumber: the first whose filter's first
//      matching rule (of the packet's direction) is `accept` mirrors the packet and no other
//      session sees it; a `reject` match or no match passes it to the next session.

import { ipv4Mask, parseIpv4, parseIpv6, parseMac } from '../net/cidr.js';
import { AMAZON_DNS_SERVICE, DEFAULT_TARGET_MTU, GATEWAY_LOAD_BALANCER_MTU, MirrorConfigError, type FilterConfig, type MirrorConfig, type SessionConfig, type TargetConfig } from './config.js';
import { flowSourcePort } from './flow-hash.js';
import { NOT_MIRRORED_REASON_NAMES, type NotMirroredReason } from './mirror-reasons.js';
import { DecodedFrame, decodeFrame, ETHERTYPE_ARP, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, type DecodeError } from './packet-decoder.js';
import { RuleMatcher, type TrafficDirection } from './rule-matcher.js';
import { MAX_VNI, VXLAN_OVERHEAD, VxlanEncapsulator } from './vxlan.js';

const METADATA_IPV4 = parseIpv4('169.254.169.254');
const TIME_SYNC_IPV4 = parseIpv4('169.254.169.123');
const LINK_LOCAL_DNS_IPV4 = parseIpv4('169.254.169.253');
const METADATA_IPV6 = parseIpv6('fd00:ec2::254')!;
const TIME_SYNC_IPV6 = parseIpv6('fd00:ec2::123')!;
const AMAZON_DNS_IPV6 = parseIpv6('fd00:ec2::253')!;
const DNS_PORT = 53;
const KMS_IPV4_A = parseIpv4('169.254.169.250');
const KMS_IPV4_B = parseIpv4('169.254.169.251');
const KMS_IPV6 = parseIpv6('fd00:ec2::250')!;

/** What one session's filter did with the last evaluated frame. */
export const SESSION_OUTCOMES = ['not-evaluated', 'accepted', 'rejected', 'no-rule-matched', 'amazon-dns', 'amazon-dns-not-enabled'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];
const NOT_EVALUATED = 0;
const ACCEPTED = 1;
const REJECTED = 2;
const NO_RULE_MATCHED = 3;
const AMAZON_DNS_ACCEPTED = 4;
const AMAZON_DNS_NOT_ENABLED = 5;

const reasonIndex = (reason: NotMirroredReason) => NOT_MIRRORED_REASON_NAMES.indexOf(reason);
const UNKNOWN_ENI = reasonIndex('unknown-eni');
const NEVER_ARP = reasonIndex('never-mirrored:arp');
const NEVER_DHCP = reasonIndex('never-mirrored:dhcp');
const NEVER_METADATA = reasonIndex('never-mirrored:metadata');
const NEVER_NTP = reasonIndex('never-mirrored:ntp');
const NEVER_KMS = reasonIndex('never-mirrored:kms-activation');
const NOT_ENI_TRAFFIC = reasonIndex('not-eni-traffic');
const NO_SESSION = reasonIndex('no-session');
const DNS_NOT_ENABLED = reasonIndex('amazon-dns-not-enabled');
const REJECTED_REASON = reasonIndex('rejected');
const NO_RULE_MATCHED_REASON = reasonIndex('no-rule-matched');
const UNDECODABLE = new Map<DecodeError | null, number>(
  NOT_MIRRORED_REASON_NAMES.filter((name) => name.startsWith('undecodable:')).map((name) => [name.slice('undecodable:'.length) as DecodeError, reasonIndex(name)]),
);

/**
 * The engine's answer for one frame. Reused: each evaluation rewrites it. The per-frame path sets
 * six fields; the IDs are getters over the compiled session and rule, so nothing is copied.
 */
export class MirrorDecision {
  mirrored = false;
  /** Why not, when not mirrored. */
  reason: NotMirroredReason | null = null;
  direction: TrafficDirection | null = null;
  /** The frame is Amazon DNS traffic (evaluated by the amazon-dns service, not by rules). */
  amazonDns = false;
  /** The mirroring session, when mirrored. */
  session: CompiledSession | null = null;
  /** Index of the accepting rule in session.filter.matcher; -1 when the amazon-dns service mirrored. */
  ruleIndex = -1;

  get sessionId(): string | null {
    return this.session === null ? null : this.session.sessionId;
  }
  get sessionNumber(): number {
    return this.session === null ? 0 : this.session.sessionNumber;
  }
  get filterId(): string | null {
    return this.session === null ? null : this.session.filterId;
  }
  get targetId(): string | null {
    return this.session === null ? null : this.session.targetId;
  }
  get virtualNetworkId(): number {
    return this.session === null ? 0 : this.session.virtualNetworkId;
  }
  /** The accepting rule; null when not mirrored or mirrored by the amazon-dns service. */
  get ruleId(): string | null {
    return this.session === null || this.ruleIndex < 0 ? null : this.session.filter.matcher.ruleIds[this.ruleIndex]!;
  }
  get ruleNumber(): number {
    return this.session === null || this.ruleIndex < 0 ? 0 : this.session.filter.matcher.ruleNumbers[this.ruleIndex]!;
  }
  get service(): typeof AMAZON_DNS_SERVICE | null {
    return this.session !== null && this.ruleIndex < 0 ? AMAZON_DNS_SERVICE : null;
  }
}

export interface CompiledFilter {
  readonly config: FilterConfig;
  readonly matcher: RuleMatcher;
  readonly amazonDns: boolean;
  /** Index of the filter's first rule in the engine's rule counters. */
  readonly ruleCounterBase: number;
}

export interface CompiledSession {
  readonly index: number;
  // Copied out of the config records so that the per-packet path reads one object shape.
  readonly sessionId: string;
  readonly sessionNumber: number;
  readonly virtualNetworkId: number;
  readonly filterId: string;
  readonly targetId: string;
  readonly config: SessionConfig;
  readonly target: TargetConfig;
  readonly filter: CompiledFilter;
  readonly encapsulator: VxlanEncapsulator;
}

export interface CompiledEni {
  readonly index: number;
  readonly networkInterfaceId: string;
  readonly ipv4: Uint32Array;
  /** Four words per address. */
  readonly ipv6: Uint32Array;
  /** Amazon DNS resolver addresses: each VPC CIDR base + 2, and 169.254.169.253. */
  readonly dnsResolvers: Uint32Array;
  /** Ascending SessionNumber. */
  readonly sessions: readonly CompiledSession[];
}

export interface PacketByteCounter {
  packets: number;
  bytes: number;
}

export interface MirrorCounters {
  framesEvaluated: number;
  framesMirrored: number;
  /** Frames mirrored by each session, and their original bytes. */
  sessions: Record<string, PacketByteCounter>;
  /** Frames each rule matched (accept or reject), and their bytes. */
  rules: Record<string, PacketByteCounter>;
  /** Frames not mirrored, by reason; only reasons seen at least once. */
  notMirrored: Partial<Record<NotMirroredReason, number>>;
}

export class MirrorEngine {
  /** The last frame decoded, in the engine's reusable summary. */
  readonly frame = new DecodedFrame();
  /** The last decision. */
  readonly decision = new MirrorDecision();
  readonly enis: readonly CompiledEni[];
  readonly sessions: readonly CompiledSession[];
  readonly filters: readonly CompiledFilter[];
  /** What each session of the last evaluated ENI did, by position in CompiledEni.sessions. */
  readonly lastOutcome: Uint8Array;
  /** The rule each session's filter matched (index into its matcher's rules), or -1. */
  readonly lastRule: Int32Array;

  private readonly eniIndexById: Map<string, number>;
  private readonly ruleIds: readonly string[];
  private framesEvaluated = 0;
  private framesMirrored = 0;
  private readonly sessionPackets: Float64Array;
  private readonly sessionBytes: Float64Array;
  private readonly rulePackets: Float64Array;
  private readonly ruleBytes: Float64Array;
  private readonly reasonCounts: Float64Array;

  private constructor(enis: CompiledEni[], sessions: CompiledSession[], filters: CompiledFilter[], ruleIds: string[]) {
    this.enis = enis;
    this.sessions = sessions;
    this.filters = filters;
    this.ruleIds = ruleIds;
    this.eniIndexById = new Map(enis.map((eni) => [eni.networkInterfaceId, eni.index]));
    const maxSessions = Math.max(0, ...enis.map((eni) => eni.sessions.length));
    this.lastOutcome = new Uint8Array(maxSessions);
    this.lastRule = new Int32Array(maxSessions);
    this.sessionPackets = new Float64Array(sessions.length);
    this.sessionBytes = new Float64Array(sessions.length);
    this.rulePackets = new Float64Array(ruleIds.length);
    this.ruleBytes = new Float64Array(ruleIds.length);
    this.reasonCounts = new Float64Array(NOT_MIRRORED_REASON_NAMES.length);
  }

  /** Compiles a snapshot; throws MirrorConfigError for dangling references or malformed values. */
  static compile(config: MirrorConfig): MirrorEngine {
    const ruleIds: string[] = [];
    const filters = new Map<string, CompiledFilter>();
    for (const filter of config.filters) {
      if (filters.has(filter.filterId)) throw new MirrorConfigError(`duplicate filter ${filter.filterId}`);
      for (const service of filter.networkServices) {
        if (service !== AMAZON_DNS_SERVICE) throw new MirrorConfigError(`filter ${filter.filterId}: unknown network service '${service}'`);
      }
      const ruleCounterBase = ruleIds.length;
      for (const rule of filter.rules) ruleIds.push(rule.ruleId);
      filters.set(filter.filterId, {
        config: filter,
        matcher: compileMatcher(filter),
        amazonDns: filter.networkServices.includes(AMAZON_DNS_SERVICE),
        ruleCounterBase,
      });
    }
    if (new Set(ruleIds).size !== ruleIds.length) throw new MirrorConfigError('a rule ID appears twice');

    const targets = new Map<string, TargetConfig>();
    for (const target of config.targets) {
      if (targets.has(target.targetId)) throw new MirrorConfigError(`duplicate target ${target.targetId}`);
      targets.set(target.targetId, target);
    }

    const enisById = new Map(config.enis.map((eni) => [eni.networkInterfaceId, eni]));
    if (enisById.size !== config.enis.length) throw new MirrorConfigError('an ENI ID appears twice');
    const sessionsByEni = new Map<string, SessionConfig[]>();
    for (const session of config.sessions) {
      if (!enisById.has(session.networkInterfaceId)) throw new MirrorConfigError(`session ${session.sessionId}: unknown ENI ${session.networkInterfaceId}`);
      const list = sessionsByEni.get(session.networkInterfaceId) ?? [];
      list.push(session);
      sessionsByEni.set(session.networkInterfaceId, list);
    }

    const sessions: CompiledSession[] = [];
    const enis = config.enis.map((eniConfig, index): CompiledEni => {
      const id = eniConfig.networkInterfaceId;
      if (!parseMac(eniConfig.macAddress)) throw new MirrorConfigError(`ENI ${id}: bad MAC '${eniConfig.macAddress}'`);
      const ipv4 = uniqueIpv4([eniConfig.primaryIpv4, ...eniConfig.ipv4Addresses], `ENI ${id}`);
      const ipv6 = new Uint32Array(4 * eniConfig.ipv6Addresses.length);
      eniConfig.ipv6Addresses.forEach((text, i) => {
        if (!parseIpv6(text, ipv6.subarray(4 * i, 4 * i + 4))) throw new MirrorConfigError(`ENI ${id}: bad IPv6 address '${text}'`);
      });
      const resolvers = eniConfig.vpcIpv4Cidrs.map((cidr) => {
        const slash = cidr.indexOf('/');
        const base = parseIpv4(slash < 0 ? cidr : cidr.slice(0, slash));
        const prefix = Number(cidr.slice(slash + 1));
        if (slash < 0 || base < 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > 30) throw new MirrorConfigError(`ENI ${id}: bad VPC CIDR '${cidr}'`);
        const mask = ipv4Mask(prefix);
        return (((base & mask) >>> 0) + 2) >>> 0;
      });
      resolvers.push(LINK_LOCAL_DNS_IPV4);

      const own = [...(sessionsByEni.get(id) ?? [])].sort((a, b) => a.sessionNumber - b.sessionNumber);
      for (let i = 1; i < own.length; i++) {
        if (own[i]!.sessionNumber === own[i - 1]!.sessionNumber) {
          throw new MirrorConfigError(`sessions ${own[i - 1]!.sessionId} and ${own[i]!.sessionId} share SessionNumber ${own[i]!.sessionNumber} on ${id}`);
        }
      }
      const compiledSessions = own.map((session) => {
        const compiled = compileSession(session, sessions.length, eniConfig.macAddress, eniConfig.primaryIpv4, filters, targets);
        sessions.push(compiled);
        return compiled;
      });
      return { index, networkInterfaceId: id, ipv4, ipv6, dnsResolvers: Uint32Array.from(resolvers), sessions: compiledSessions };
    });
    return new MirrorEngine(enis, sessions, [...filters.values()], ruleIds);
  }

  /** The index decide() takes for an ENI, or -1 when the snapshot does not have it. */
  eniIndex(networkInterfaceId: string): number {
    return this.eniIndexById.get(networkInterfaceId) ?? -1;
  }

  /**
   * Decides the fate of one frame seen on the ENI `eniIndex`, and counts it. The frame is
   * `bytes[offset, offset + length)`. Returns the engine's reused decision object.
   */
  decide(eniIndex: number, bytes: Uint8Array, offset: number, length: number): MirrorDecision {
    return this.run(eniIndex, bytes, offset, length, true);
  }

  /** decide() without counting: the same decision, for explanations and dry runs. */
  evaluate(eniIndex: number, bytes: Uint8Array, offset: number, length: number): MirrorDecision {
    return this.run(eniIndex, bytes, offset, length, false);
  }

  private run(eniIndex: number, bytes: Uint8Array, offset: number, length: number, count: boolean): MirrorDecision {
    const d = this.decision;
    d.mirrored = false;
    d.direction = null;
    d.amazonDns = false;
    d.session = null;
    d.ruleIndex = -1;
    const outcomes = this.lastOutcome;
    const rules = this.lastRule;
    for (let i = 0; i < outcomes.length; i++) {
      outcomes[i] = NOT_EVALUATED;
      rules[i] = -1;
    }
    if (count) this.framesEvaluated++;

    const eni = this.enis[eniIndex];
    if (eni === undefined) return this.notMirrored(UNKNOWN_ENI, count);
    const frame = this.frame;
    if (!decodeFrame(bytes, offset, length, frame)) return this.notMirrored(UNDECODABLE.get(frame.error)!, count);
    if (frame.etherType === ETHERTYPE_ARP) return this.notMirrored(NEVER_ARP, count);
    const never = neverMirroredClass(frame);
    if (never >= 0) return this.notMirrored(never, count);

    let egress: boolean;
    if (frame.family === 4) {
      egress = hasIpv4(eni.ipv4, frame.srcIpv4);
      if (!egress && !hasIpv4(eni.ipv4, frame.dstIpv4)) return this.notMirrored(NOT_ENI_TRAFFIC, count);
    } else {
      egress = hasIpv6(eni.ipv6, frame.srcIpv6);
      if (!egress && !hasIpv6(eni.ipv6, frame.dstIpv6)) return this.notMirrored(NOT_ENI_TRAFFIC, count);
    }
    const direction: TrafficDirection = egress ? 'egress' : 'ingress';
    d.direction = direction;
    const sessions = eni.sessions;
    if (sessions.length === 0) return this.notMirrored(NO_SESSION, count);

    if (isAmazonDns(eni, frame)) {
      d.amazonDns = true;
      for (let i = 0; i < sessions.length; i++) {
        const session = sessions[i]!;
        if (session.filter.amazonDns) {
          outcomes[i] = AMAZON_DNS_ACCEPTED;
          return this.mirroredBy(session, -1, length, count);
        }
        outcomes[i] = AMAZON_DNS_NOT_ENABLED;
      }
      return this.notMirrored(DNS_NOT_ENABLED, count);
    }

    let rejected = false;
    for (let i = 0; i < sessions.length; i++) {
      const session = sessions[i]!;
      const matcher = session.filter.matcher;
      const rule = matcher.match(frame, direction);
      rules[i] = rule;
      if (rule < 0) {
        outcomes[i] = NO_RULE_MATCHED;
        continue;
      }
      if (count) {
        // Every rule that matches is counted, whether it accepts or rejects.
        const counter = session.filter.ruleCounterBase + rule;
        this.rulePackets[counter]!++;
        this.ruleBytes[counter]! += length;
      }
      if (matcher.accepts[rule] === 1) {
        outcomes[i] = ACCEPTED;
        return this.mirroredBy(session, rule, length, count);
      }
      outcomes[i] = REJECTED;
      rejected = true;
    }
    return this.notMirrored(rejected ? REJECTED_REASON : NO_RULE_MATCHED_REASON, count);
  }

  /** The most bytes encapsulate() writes for a frame of `length` bytes. */
  maxEncapsulatedLength(length: number): number {
    return VXLAN_OVERHEAD + length;
  }

  /**
   * Writes the VXLAN packet for the frame of the last decision into `out` at `outOffset` and
   * returns its length; 0 when the last decision was not to mirror. Pass the same frame bytes that
   * were decided. Throws RangeError when `out` has less than encapsulatedLength bytes left.
   */
  encapsulate(out: Uint8Array, outOffset: number, bytes: Uint8Array, offset: number, length: number): number {
    const session = this.decision.session;
    if (session === null) return 0;
    return session.encapsulator.encode(out, outOffset, bytes, offset, length, flowSourcePort(this.frame));
  }

  /** Bytes that encapsulate() will write for the last decision (0 when not mirrored). */
  encapsulatedLength(length: number): number {
    const session = this.decision.session;
    return session === null ? 0 : session.encapsulator.encodedLength(length);
  }

  counters(): MirrorCounters {
    const sessions: Record<string, PacketByteCounter> = {};
    for (const session of this.sessions) {
      sessions[session.config.sessionId] = { packets: this.sessionPackets[session.index]!, bytes: this.sessionBytes[session.index]! };
    }
    const rules: Record<string, PacketByteCounter> = {};
    this.ruleIds.forEach((id, i) => (rules[id] = { packets: this.rulePackets[i]!, bytes: this.ruleBytes[i]! }));
    const notMirrored: Partial<Record<NotMirroredReason, number>> = {};
    NOT_MIRRORED_REASON_NAMES.forEach((name, i) => {
      if (this.reasonCounts[i]! > 0) notMirrored[name] = this.reasonCounts[i]!;
    });
    return { framesEvaluated: this.framesEvaluated, framesMirrored: this.framesMirrored, sessions, rules, notMirrored };
  }

  resetCounters(): void {
    this.framesEvaluated = 0;
    this.framesMirrored = 0;
    for (const counter of [this.sessionPackets, this.sessionBytes, this.rulePackets, this.ruleBytes, this.reasonCounts]) counter.fill(0);
  }

  private notMirrored(reason: number, count: boolean): MirrorDecision {
    this.decision.reason = NOT_MIRRORED_REASON_NAMES[reason]!;
    if (count) this.reasonCounts[reason]!++;
    return this.decision;
  }

  private mirroredBy(session: CompiledSession, ruleIndex: number, length: number, count: boolean): MirrorDecision {
    const d = this.decision;
    d.mirrored = true;
    d.reason = null;
    d.session = session;
    d.ruleIndex = ruleIndex;
    if (count) {
      this.framesMirrored++;
      this.sessionPackets[session.index]!++;
      this.sessionBytes[session.index]! += length;
    }
    return d;
  }
}

/** The reason index of a never-mirrored class, or -1. */
function neverMirroredClass(frame: DecodedFrame): number {
  if (frame.family === 4) {
    const src = frame.srcIpv4;
    const dst = frame.dstIpv4;
    if (src === METADATA_IPV4 || dst === METADATA_IPV4) return NEVER_METADATA;
    if (src === TIME_SYNC_IPV4 || dst === TIME_SYNC_IPV4) return NEVER_NTP;
    if (src === KMS_IPV4_A || dst === KMS_IPV4_A || src === KMS_IPV4_B || dst === KMS_IPV4_B) return NEVER_KMS;
  } else {
    if (sameIpv6(frame.srcIpv6, METADATA_IPV6) || sameIpv6(frame.dstIpv6, METADATA_IPV6)) return NEVER_METADATA;
    if (sameIpv6(frame.srcIpv6, TIME_SYNC_IPV6) || sameIpv6(frame.dstIpv6, TIME_SYNC_IPV6)) return NEVER_NTP;
    if (sameIpv6(frame.srcIpv6, KMS_IPV6) || sameIpv6(frame.dstIpv6, KMS_IPV6)) return NEVER_KMS;
  }
  if (!frame.hasPorts || frame.protocol !== IP_PROTOCOL_UDP) return -1;
  const src = frame.srcPort;
  const dst = frame.dstPort;
  if (frame.family === 4 ? src === 67 || src === 68 || dst === 67 || dst === 68 : src === 546 || src === 547 || dst === 546 || dst === 547) {
    return NEVER_DHCP;
  }
  return -1;
}

function isAmazonDns(eni: CompiledEni, frame: DecodedFrame): boolean {
  if (frame.protocol !== IP_PROTOCOL_UDP && frame.protocol !== IP_PROTOCOL_TCP) return false;
  if (!frame.hasPorts || frame.isFragment) {
    // No ports to look at (a later fragment, a cut header), or a first fragment whose later
    // fragments have none: the resolver's address decides, so a datagram's fragments go together.
    if (frame.family === 4) return hasIpv4(eni.dnsResolvers, frame.dstIpv4) || hasIpv4(eni.dnsResolvers, frame.srcIpv4);
    return sameIpv6(frame.dstIpv6, AMAZON_DNS_IPV6) || sameIpv6(frame.srcIpv6, AMAZON_DNS_IPV6);
  }
  if (frame.family === 4) {
    return (frame.dstPort === DNS_PORT && hasIpv4(eni.dnsResolvers, frame.dstIpv4)) || (frame.srcPort === DNS_PORT && hasIpv4(eni.dnsResolvers, frame.srcIpv4));
  }
  return (frame.dstPort === DNS_PORT && sameIpv6(frame.dstIpv6, AMAZON_DNS_IPV6)) || (frame.srcPort === DNS_PORT && sameIpv6(frame.srcIpv6, AMAZON_DNS_IPV6));
}

// An ENI has a handful of addresses: a linear scan of a typed array beats hashing.
function hasIpv4(addresses: Uint32Array, address: number): boolean {
  for (let i = 0; i < addresses.length; i++) if (addresses[i] === address) return true;
  return false;
}

function hasIpv6(addresses: Uint32Array, address: Uint32Array): boolean {
  for (let i = 0; i < addresses.length; i += 4) {
    if (addresses[i] === address[0] && addresses[i + 1] === address[1] && addresses[i + 2] === address[2] && addresses[i + 3] === address[3]) return true;
  }
  return false;
}

function sameIpv6(a: Uint32Array, b: Uint32Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

function uniqueIpv4(texts: readonly string[], owner: string): Uint32Array {
  const values = new Set<number>();
  for (const text of texts) {
    const value = parseIpv4(text);
    if (value < 0) throw new MirrorConfigError(`${owner}: bad IPv4 address '${text}'`);
    values.add(value);
  }
  return Uint32Array.from(values);
}

function compileMatcher(filter: FilterConfig): RuleMatcher {
  try {
    return RuleMatcher.compile(filter.rules);
  } catch (error) {
    if (error instanceof MirrorConfigError) throw new MirrorConfigError(`filter ${filter.filterId}: ${error.message}`);
    throw error;
  }
}

function compileSession(
  session: SessionConfig,
  index: number,
  sourceMac: string,
  sourceIpv4: string,
  filters: ReadonlyMap<string, CompiledFilter>,
  targets: ReadonlyMap<string, TargetConfig>,
): CompiledSession {
  const where = `session ${session.sessionId}`;
  const filter = filters.get(session.filterId);
  if (!filter) throw new MirrorConfigError(`${where}: unknown filter ${session.filterId}`);
  const target = targets.get(session.targetId);
  if (!target) throw new MirrorConfigError(`${where}: unknown target ${session.targetId}`);
  if (!Number.isInteger(session.virtualNetworkId) || session.virtualNetworkId < 0 || session.virtualNetworkId > MAX_VNI) {
    throw new MirrorConfigError(`${where}: bad VirtualNetworkId ${session.virtualNetworkId}`);
  }
  if (session.packetLength !== undefined && !(Number.isInteger(session.packetLength) && session.packetLength >= 1)) {
    throw new MirrorConfigError(`${where}: bad PacketLength ${session.packetLength}`);
  }
  // ENI targets cut to their MTU, Gateway Load Balancer endpoints to the load balancer's 8500
  // (spec 6.5); NLB targets have no MTU of their own here: their PacketLength defaults to 8500.
  const mtu = target.mtu ?? (target.type === 'network-interface' ? DEFAULT_TARGET_MTU : target.type === 'gateway-load-balancer-endpoint' ? GATEWAY_LOAD_BALANCER_MTU : 0);
  let encapsulator: VxlanEncapsulator;
  try {
    encapsulator = new VxlanEncapsulator({
      sourceMac,
      destinationMac: target.macAddress,
      sourceIpv4,
      destinationIpv4: target.address,
      vni: session.virtualNetworkId,
      packetLength: session.packetLength ?? 0,
      mtu,
    });
  } catch (error) {
    throw new MirrorConfigError(`${where} (target ${target.targetId}): ${(error as Error).message}`);
  }
  return {
    index,
    sessionId: session.sessionId,
    sessionNumber: session.sessionNumber,
    virtualNetworkId: session.virtualNetworkId,
    filterId: session.filterId,
    targetId: target.targetId,
    config: session,
    target,
    filter,
    encapsulator,
  };
}
