// A traffic mirror filter's rules, compiled once per filter change into flat typed arrays so that
// matching a packet is a loop of integer comparisons with no allocation and no lookups by name.
//
// Semantics (spec section 6.2, decisions.md "Data plane"):
// * ingress rules see the traffic the source ENI receives, egress rules the traffic it sends;
// * rules are tried by ascending RuleNumber and the first one that matches decides;
// * a rule matches when every criterion holds: protocol (absent or 0 = any), source CIDR holds the
//   packet's source address, destination CIDR its destination address, in the packet's own family
//   (an IPv4 rule never matches an IPv6 packet), and the port ranges (absent = any);
// * a rule with a port range matches only packets that carry ports: TCP and UDP, and of those
//   only the first fragment, the one with the transport header.
// Protocol 0 means any protocol, as an absent one does: Terraform and the SDKs read an unset
// Protocol back as 0, so a rule re-created from what was read must keep matching what it did.
// IP protocol 0 itself (IPv6 hop-by-hop options) is an extension header, never a packet's
// transport protocol, so no packet is lost by this reading.

import { parseCidr, type Cidr } from '../net/cidr.js';
import { MirrorConfigError, type RuleConfig } from './config.js';
import type { DecodedFrame } from './packet-decoder.js';

export type TrafficDirection = 'ingress' | 'egress';

// One rule is RULE_STRIDE int32 in a single array, so the loop loads one base pointer and the
// fields of a rule sit together:
const CLASS_MASK = 0; //   family << 8 | protocol, masked: the protocol bits are 0 in the mask for "any"
const CLASS_VALUE = 1;
const SRC_PORT_FROM = 2; // -1 when the rule has no range: then every port, and "no port" (-1), passes
const SRC_PORT_SPAN = 3; //  to - from; 65536 with no range
const DST_PORT_FROM = 4;
const DST_PORT_SPAN = 5;
const SRC_NET = 6; //       IPv4 network and mask; for IPv6 rules, zeros (IPv6 words live apart)
const SRC_MASK = 7;
const DST_NET = 8;
const DST_MASK = 9;
const RULE_INDEX = 10; //   position in RuleMatcher.rules
const RULE_STRIDE = 12;

/**
 * The rules of one direction, in evaluation order. Each test is an integer comparison, and they
 * are combined with `&`, not `&&`: one well-predicted branch per rule instead of one per criterion
 * (the criteria fail in packet-dependent order, which mispredicts).
 */
class RuleTable {
  readonly count: number;
  private readonly rules: Int32Array;
  /** IPv6 source network, source mask, destination network, destination mask: 16 words per rule. */
  private readonly ipv6: Int32Array;

  constructor(entries: readonly { rule: RuleConfig; index: number; source: Cidr; destination: Cidr }[]) {
    const n = entries.length;
    this.count = n;
    this.rules = new Int32Array(n * RULE_STRIDE);
    this.ipv6 = new Int32Array(n * 16);
    entries.forEach(({ rule, index, source, destination }, i) => {
      const r = i * RULE_STRIDE;
      const t = this.rules;
      const anyProtocol = rule.protocol === undefined || rule.protocol === 0;
      t[r + CLASS_MASK] = anyProtocol ? 0xf00 : 0xfff;
      t[r + CLASS_VALUE] = (source.family << 8) | (anyProtocol ? 0 : rule.protocol!);
      t[r + SRC_PORT_FROM] = rule.sourcePorts ? rule.sourcePorts.from : -1;
      t[r + SRC_PORT_SPAN] = rule.sourcePorts ? rule.sourcePorts.to - rule.sourcePorts.from : 65536;
      t[r + DST_PORT_FROM] = rule.destinationPorts ? rule.destinationPorts.from : -1;
      t[r + DST_PORT_SPAN] = rule.destinationPorts ? rule.destinationPorts.to - rule.destinationPorts.from : 65536;
      t[r + RULE_INDEX] = index;
      if (source.family === 4 && destination.family === 4) {
        t[r + SRC_NET] = source.network;
        t[r + SRC_MASK] = source.mask;
        t[r + DST_NET] = destination.network;
        t[r + DST_MASK] = destination.mask;
      } else if (source.family === 6 && destination.family === 6) {
        this.ipv6.set(source.network, 16 * i);
        this.ipv6.set(source.mask, 16 * i + 4);
        this.ipv6.set(destination.network, 16 * i + 8);
        this.ipv6.set(destination.mask, 16 * i + 12);
      }
    });
  }

  /** The RuleMatcher.rules index of the first matching rule, or -1. */
  match(frame: DecodedFrame): number {
    const t = this.rules;
    const family = frame.family;
    const packetClass = (family << 8) | (frame.protocol & 0xff);
    // A packet without ports (not TCP/UDP, or a later fragment) shows -1, outside every real range.
    const srcPort = frame.hasPorts ? frame.srcPort : -1;
    const dstPort = frame.hasPorts ? frame.dstPort : -1;
    const src4 = frame.ipv4[0]!;
    const dst4 = frame.ipv4[1]!;
    for (let i = 0, r = 0; i < this.count; i++, r += RULE_STRIDE) {
      // Unary + turns each test into 0 or 1 without a branch.
      const head =
        +((packetClass & t[r + CLASS_MASK]!) === t[r + CLASS_VALUE]!) &
        +((srcPort - t[r + SRC_PORT_FROM]!) >>> 0 <= t[r + SRC_PORT_SPAN]!) &
        +((dstPort - t[r + DST_PORT_FROM]!) >>> 0 <= t[r + DST_PORT_SPAN]!);
      if (head === 0) continue;
      if (family === 4) {
        if ((+((src4 & t[r + SRC_MASK]!) === t[r + SRC_NET]!) & +((dst4 & t[r + DST_MASK]!) === t[r + DST_NET]!)) === 0) continue;
      } else if (!this.matchIpv6(frame, i)) {
        continue;
      }
      return t[r + RULE_INDEX]!;
    }
    return -1;
  }

  private matchIpv6(frame: DecodedFrame, i: number): boolean {
    const src = frame.srcIpv6;
    const dst = frame.dstIpv6;
    const v = this.ipv6;
    const k = 16 * i;
    let differences = 0;
    for (let w = 0; w < 4; w++) {
      differences |= (src[w]! & v[k + 4 + w]!) ^ v[k + w]!;
      differences |= (dst[w]! & v[k + 12 + w]!) ^ v[k + 8 + w]!;
    }
    return differences === 0;
  }
}

/** The compiled rules of one filter. Pure: matching reads the frame and changes nothing. */
export class RuleMatcher {
  /** The rules as given, in input order; match() returns indexes into this array. */
  readonly rules: readonly RuleConfig[];
  // What a caller needs of a matched rule, by index, copied out of the config records: those have
  // as many hidden classes as combinations of optional fields, which would make reading them in
  // the per-packet path megamorphic.
  readonly ruleIds: readonly string[];
  readonly ruleNumbers: Int32Array;
  /** 1 for accept, 0 for reject. */
  readonly accepts: Uint8Array;
  private readonly ingress: RuleTable;
  private readonly egress: RuleTable;

  private constructor(rules: readonly RuleConfig[], ingress: RuleTable, egress: RuleTable) {
    this.rules = rules;
    this.ruleIds = rules.map((rule) => rule.ruleId);
    this.ruleNumbers = Int32Array.from(rules, (rule) => rule.ruleNumber);
    this.accepts = Uint8Array.from(rules, (rule) => (rule.action === 'accept' ? 1 : 0));
    this.ingress = ingress;
    this.egress = egress;
  }

  /** Validates and compiles rules; throws MirrorConfigError naming the first bad rule. */
  static compile(rules: readonly RuleConfig[]): RuleMatcher {
    const entries = rules.map((rule, index) => ({ rule, index, ...compileCidrs(rule) }));
    const byDirection = (direction: TrafficDirection) => {
      const chosen = entries.filter((entry) => entry.rule.direction === direction).sort((a, b) => a.rule.ruleNumber - b.rule.ruleNumber);
      for (let i = 1; i < chosen.length; i++) {
        if (chosen[i]!.rule.ruleNumber === chosen[i - 1]!.rule.ruleNumber) {
          throw new MirrorConfigError(`rules ${chosen[i - 1]!.rule.ruleId} and ${chosen[i]!.rule.ruleId} share ${direction} RuleNumber ${chosen[i]!.rule.ruleNumber}`);
        }
      }
      return new RuleTable(chosen);
    };
    return new RuleMatcher([...rules], byDirection('ingress'), byDirection('egress'));
  }

  /** Index in `rules` of the first rule of `direction` that matches the frame, or -1. */
  match(frame: DecodedFrame, direction: TrafficDirection): number {
    return (direction === 'egress' ? this.egress : this.ingress).match(frame);
  }
}

function compileCidrs(rule: RuleConfig): { source: Cidr; destination: Cidr } {
  const source = parseCidr(rule.sourceCidr);
  const destination = parseCidr(rule.destinationCidr);
  if (!source) throw new MirrorConfigError(`rule ${rule.ruleId}: bad source CIDR '${rule.sourceCidr}'`);
  if (!destination) throw new MirrorConfigError(`rule ${rule.ruleId}: bad destination CIDR '${rule.destinationCidr}'`);
  if (source.family !== destination.family) {
    throw new MirrorConfigError(`rule ${rule.ruleId}: source and destination CIDRs are of different families`);
  }
  if (rule.direction !== 'ingress' && rule.direction !== 'egress') throw new MirrorConfigError(`rule ${rule.ruleId}: bad direction '${String(rule.direction)}'`);
  if (rule.action !== 'accept' && rule.action !== 'reject') throw new MirrorConfigError(`rule ${rule.ruleId}: bad action '${String(rule.action)}'`);
  if (rule.protocol !== undefined && !(Number.isInteger(rule.protocol) && rule.protocol >= 0 && rule.protocol <= 255)) {
    throw new MirrorConfigError(`rule ${rule.ruleId}: bad protocol ${rule.protocol}`);
  }
  for (const range of [rule.sourcePorts, rule.destinationPorts]) {
    if (range && !(Number.isInteger(range.from) && Number.isInteger(range.to) && range.from >= 0 && range.from <= range.to && range.to <= 65535)) {
      throw new MirrorConfigError(`rule ${rule.ruleId}: bad port range ${range.from}-${range.to}`);
    }
  }
  return { source, destination };
}
