// A traffic mirror filter's rules, compiled once per filter change into flat typed arrays so that
// matching a packet is a loop of integer comparisons with no allocation and no lookups by name.
//
// Semantics (spec section 6.2, decisions.md "Data plane"):
// * ingress rules see the traffic the source ENI receives, egress rules the traffic it sends;
// * rules are tried by ascending RuleNumber and the first one that matches decides;
// * a rule matches when every criterion holds: protocol (absent = any), source CIDR holds the
//   packet's source address, destination CIDR its destination address, in the packet's own family
//   (an IPv4 rule never matches an IPv6 packet), and the port ranges (absent = any);
// * a rule with a port range matches only packets that carry ports: TCP and UDP, and of those
//   only the first fragment, the one with the transport header.

import { parseCidr, type Cidr } from './cidr.js';
import { MirrorConfigError, type RuleConfig } from './config.js';
import type { DecodedFrame } from './packet-decoder.js';

export type TrafficDirection = 'ingress' | 'egress';

/** The rules of one direction as parallel arrays, in evaluation order. */
class RuleTable {
  readonly count: number;
  /** Index of each entry in RuleMatcher.rules. */
  readonly ruleIndex: Int32Array;
  readonly family: Uint8Array;
  /** -1 for any protocol. */
  readonly protocol: Int16Array;
  /** -1 in `from` for no range. */
  readonly srcPortFrom: Int32Array;
  readonly srcPortTo: Int32Array;
  readonly dstPortFrom: Int32Array;
  readonly dstPortTo: Int32Array;
  /** IPv4 network and mask as int32, the type `&` yields, so the comparison needs no `>>> 0`. */
  readonly srcNet4: Int32Array;
  readonly srcMask4: Int32Array;
  readonly dstNet4: Int32Array;
  readonly dstMask4: Int32Array;
  /** IPv6 network and mask, four int32 words per rule. */
  readonly srcNet6: Int32Array;
  readonly srcMask6: Int32Array;
  readonly dstNet6: Int32Array;
  readonly dstMask6: Int32Array;

  constructor(entries: readonly { rule: RuleConfig; index: number; source: Cidr; destination: Cidr }[]) {
    const n = entries.length;
    this.count = n;
    this.ruleIndex = new Int32Array(n);
    this.family = new Uint8Array(n);
    this.protocol = new Int16Array(n);
    this.srcPortFrom = new Int32Array(n);
    this.srcPortTo = new Int32Array(n);
    this.dstPortFrom = new Int32Array(n);
    this.dstPortTo = new Int32Array(n);
    this.srcNet4 = new Int32Array(n);
    this.srcMask4 = new Int32Array(n);
    this.dstNet4 = new Int32Array(n);
    this.dstMask4 = new Int32Array(n);
    this.srcNet6 = new Int32Array(4 * n);
    this.srcMask6 = new Int32Array(4 * n);
    this.dstNet6 = new Int32Array(4 * n);
    this.dstMask6 = new Int32Array(4 * n);
    entries.forEach(({ rule, index, source, destination }, i) => {
      this.ruleIndex[i] = index;
      this.family[i] = source.family;
      this.protocol[i] = rule.protocol ?? -1;
      this.srcPortFrom[i] = rule.sourcePorts ? rule.sourcePorts.from : -1;
      this.srcPortTo[i] = rule.sourcePorts ? rule.sourcePorts.to : -1;
      this.dstPortFrom[i] = rule.destinationPorts ? rule.destinationPorts.from : -1;
      this.dstPortTo[i] = rule.destinationPorts ? rule.destinationPorts.to : -1;
      if (source.family === 4 && destination.family === 4) {
        this.srcNet4[i] = source.network;
        this.srcMask4[i] = source.mask;
        this.dstNet4[i] = destination.network;
        this.dstMask4[i] = destination.mask;
      } else if (source.family === 6 && destination.family === 6) {
        this.srcNet6.set(source.network, 4 * i);
        this.srcMask6.set(source.mask, 4 * i);
        this.dstNet6.set(destination.network, 4 * i);
        this.dstMask6.set(destination.mask, 4 * i);
      }
    });
  }

  /** The entry position of the first matching rule, or -1. */
  match(frame: DecodedFrame): number {
    const family = frame.family;
    for (let i = 0; i < this.count; i++) {
      if (this.family[i] !== family) continue;
      const protocol = this.protocol[i]!;
      if (protocol >= 0 && protocol !== frame.protocol) continue;
      const srcFrom = this.srcPortFrom[i]!;
      if (srcFrom >= 0 && (!frame.hasPorts || frame.srcPort < srcFrom || frame.srcPort > this.srcPortTo[i]!)) continue;
      const dstFrom = this.dstPortFrom[i]!;
      if (dstFrom >= 0 && (!frame.hasPorts || frame.dstPort < dstFrom || frame.dstPort > this.dstPortTo[i]!)) continue;
      if (family === 4) {
        if ((frame.srcIpv4 & this.srcMask4[i]!) !== this.srcNet4[i]) continue;
        if ((frame.dstIpv4 & this.dstMask4[i]!) !== this.dstNet4[i]) continue;
      } else if (!this.matchIpv6(frame, i)) {
        continue;
      }
      return i;
    }
    return -1;
  }

  private matchIpv6(frame: DecodedFrame, i: number): boolean {
    const src = frame.srcIpv6;
    const dst = frame.dstIpv6;
    for (let w = 0, k = 4 * i; w < 4; w++, k++) {
      if ((src[w]! & this.srcMask6[k]!) !== this.srcNet6[k]) return false;
      if ((dst[w]! & this.dstMask6[k]!) !== this.dstNet6[k]) return false;
    }
    return true;
  }
}

/** The compiled rules of one filter. Pure: matching reads the frame and changes nothing. */
export class RuleMatcher {
  /** The rules as given, in input order; match() returns indexes into this array. */
  readonly rules: readonly RuleConfig[];
  private readonly ingress: RuleTable;
  private readonly egress: RuleTable;

  private constructor(rules: readonly RuleConfig[], ingress: RuleTable, egress: RuleTable) {
    this.rules = rules;
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
    const table = direction === 'egress' ? this.egress : this.ingress;
    const entry = table.match(frame);
    return entry < 0 ? -1 : table.ruleIndex[entry]!;
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
