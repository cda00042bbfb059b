// The data plane's view of one account and region: the MirrorConfig snapshot (src/dataplane/config.ts)
// built from the records the EC2 API manages. The engine compiles it; this file only translates.
//
// What AWS does not tell, and mirrorlite therefore decides here:
// * An ENI's MTU is its record's (9001, EC2's jumbo-frame MTU) unless the ENI carries the tag
//   `mirrorlite:mtu` with an integer from 68 to 9001. It matters when the ENI is a target: the
//   engine cuts mirrored packets to it, with AWS's 54-byte header budget (spec 6.5; vxlan.ts).
// * NLB and Gateway Load Balancer endpoint targets have no address in the API. Their outer
//   destination address is derived from the load balancer's ARN or the endpoint ID, so every
//   target on the same load balancer gets the same address and the address never changes:
//     h = the first 4 bytes of SHA-256(ARN or endpoint ID, UTF-8) as a big-endian uint32
//     address = 198.18.0.0 + 1 + (h mod 131070)          (198.18.0.1 .. 198.19.255.254)
//   198.18.0.0/15 is reserved for benchmarking (RFC 2544), so it never clashes with a VPC's
//   addresses. The tag `mirrorlite:address` on the target (an IPv4 address) replaces it.
// * Their outer destination MAC is GATEWAY_MAC: the packet leaves through the VPC router, whose
//   MAC is what an instance sees as the next hop.
// A tag with a value mirrorlite cannot use is ignored, with a warning, rather than failing every
// packet of the account: the warnings travel with the snapshot into replay summaries.

import { createHash } from 'node:crypto';
import type { Tag } from '../../model/ec2-types.js';
import { formatIpv4, parseIpv4 } from '../net/cidr.js';
import type { EniConfig, FilterConfig, MirrorConfig, RuleConfig, SessionConfig, TargetConfig } from '../dataplane/config.js';
import { EC2_JUMBO_MTU, MIN_IPV4_MTU } from '../net/mtu.js';
import type { Partition } from '../state/partition.js';
import type { NetworkInterfaceRecord, TrafficMirrorFilterRuleRecord, TrafficMirrorTargetRecord } from '../state/records.js';

export const MTU_TAG = 'mirrorlite:mtu';
export const ADDRESS_TAG = 'mirrorlite:address';
/** The outer destination MAC of packets to NLB and GWLB endpoint targets: the VPC router's, as a fixed locally administered address. */
export const GATEWAY_MAC = '02:6d:6c:00:00:01';

const BENCHMARK_NETWORK = parseIpv4('198.18.0.0');
/** 198.18.0.0/15 without its first and last address. */
const BENCHMARK_HOSTS = 2 ** 17 - 2;

export interface PartitionMirrorConfig {
  config: MirrorConfig;
  /** Tags that were ignored, and why. */
  warnings: string[];
}

/** The outer destination address of an NLB or GWLB endpoint target without an address tag. */
export function derivedTargetAddress(arnOrEndpointId: string): string {
  const h = createHash('sha256').update(arnOrEndpointId, 'utf8').digest().readUInt32BE(0);
  return formatIpv4((BENCHMARK_NETWORK + 1 + (h % BENCHMARK_HOSTS)) >>> 0);
}

export function mirrorConfigOf(partition: Partition): PartitionMirrorConfig {
  const warnings: string[] = [];
  const enis = [...partition.networkInterfaces.values()];
  const config: MirrorConfig = {
    enis: enis.map((eni) => eniConfig(partition, eni, warnings)),
    filters: [...partition.trafficMirrorFilters.values()].map(
      (filter): FilterConfig => ({
        filterId: filter.TrafficMirrorFilterId,
        networkServices: [...filter.NetworkServices],
        rules: [],
      }),
    ),
    targets: [],
    sessions: [...partition.trafficMirrorSessions.values()].map(
      (session): SessionConfig => ({
        sessionId: session.TrafficMirrorSessionId,
        sessionNumber: session.SessionNumber,
        networkInterfaceId: session.NetworkInterfaceId,
        filterId: session.TrafficMirrorFilterId,
        targetId: session.TrafficMirrorTargetId,
        virtualNetworkId: session.VirtualNetworkId,
        ...(session.PacketLength !== undefined ? { packetLength: session.PacketLength } : {}),
      }),
    ),
  };
  const filters = new Map(config.filters.map((filter) => [filter.filterId, filter]));
  for (const rule of partition.trafficMirrorFilterRules.values()) {
    filters.get(rule.TrafficMirrorFilterId)?.rules.push(ruleConfig(rule));
  }
  const enisById = new Map(config.enis.map((eni) => [eni.networkInterfaceId, eni]));
  for (const target of partition.trafficMirrorTargets.values()) {
    const built = targetConfig(target, enisById, warnings);
    if (built) config.targets.push(built);
  }
  config.sessions = activeSessions(config, warnings);
  return { config, warnings };
}

/**
 * The sessions the engine can run. The API never lets a session lose its source, filter or target,
 * nor two sessions of one source share a SessionNumber, so this only guards against a state file or
 * database edited by hand: such a session is left out, with a warning, as AWS leaves a session
 * whose target is gone inactive (spec 6.6), instead of stopping the account's whole data plane.
 */
function activeSessions(config: MirrorConfig, warnings: string[]): SessionConfig[] {
  const enis = new Set(config.enis.map((eni) => eni.networkInterfaceId));
  const filters = new Set(config.filters.map((filter) => filter.filterId));
  const targets = new Set(config.targets.map((target) => target.targetId));
  const numbers = new Set<string>();
  return config.sessions.filter((session) => {
    const missing = !enis.has(session.networkInterfaceId)
      ? `its network interface ${session.networkInterfaceId}`
      : !filters.has(session.filterId)
        ? `its filter ${session.filterId}`
        : !targets.has(session.targetId)
          ? `its target ${session.targetId}`
          : undefined;
    if (missing !== undefined) {
      warnings.push(`${session.sessionId}: ${missing} does not exist or cannot be used; the session is inactive`);
      return false;
    }
    const number = `${session.networkInterfaceId}#${session.sessionNumber}`;
    if (numbers.has(number)) {
      warnings.push(`${session.sessionId}: another session of ${session.networkInterfaceId} has SessionNumber ${session.sessionNumber}; the session is inactive`);
      return false;
    }
    numbers.add(number);
    return true;
  });
}

function eniConfig(partition: Partition, eni: NetworkInterfaceRecord, warnings: string[]): EniConfig {
  const vpc = partition.vpcs.get(eni.VpcId);
  const associated = (vpc?.CidrBlockAssociationSet ?? []).filter((a) => a.CidrBlock && a.CidrBlockState?.State !== 'disassociated').map((a) => a.CidrBlock!);
  return {
    networkInterfaceId: eni.NetworkInterfaceId,
    macAddress: eni.MacAddress,
    primaryIpv4: eni.PrivateIpAddress,
    ipv4Addresses: (eni.PrivateIpAddresses ?? []).flatMap((a) => (a.PrivateIpAddress ? [a.PrivateIpAddress] : [])),
    ipv6Addresses: (eni.Ipv6Addresses ?? []).flatMap((a) => (a.Ipv6Address ? [a.Ipv6Address] : [])),
    vpcIpv4Cidrs: associated.length > 0 ? associated : vpc ? [vpc.CidrBlock] : [],
    mtu: eniMtu(eni, warnings),
  };
}

function eniMtu(eni: NetworkInterfaceRecord, warnings: string[]): number {
  const value = tagValue(eni.TagSet, MTU_TAG);
  if (value === undefined) return eni.mtu;
  const mtu = Number(value);
  if (/^\d+$/.test(value) && mtu >= MIN_IPV4_MTU && mtu <= EC2_JUMBO_MTU) return mtu;
  warnings.push(`${eni.NetworkInterfaceId}: tag ${MTU_TAG}='${value}' ignored (an integer from ${MIN_IPV4_MTU} to ${EC2_JUMBO_MTU}); MTU ${eni.mtu}`);
  return eni.mtu;
}

function ruleConfig(rule: TrafficMirrorFilterRuleRecord): RuleConfig {
  return {
    ruleId: rule.TrafficMirrorFilterRuleId,
    ruleNumber: rule.RuleNumber,
    direction: rule.TrafficDirection,
    action: rule.RuleAction,
    ...(rule.Protocol !== undefined ? { protocol: rule.Protocol } : {}),
    sourceCidr: rule.SourceCidrBlock,
    destinationCidr: rule.DestinationCidrBlock,
    ...(rule.SourcePortRange ? { sourcePorts: { from: rule.SourcePortRange.FromPort ?? 0, to: rule.SourcePortRange.ToPort ?? 65535 } } : {}),
    ...(rule.DestinationPortRange ? { destinationPorts: { from: rule.DestinationPortRange.FromPort ?? 0, to: rule.DestinationPortRange.ToPort ?? 65535 } } : {}),
  };
}

function targetConfig(target: TrafficMirrorTargetRecord, enis: ReadonlyMap<string, EniConfig>, warnings: string[]): TargetConfig | undefined {
  const id = target.TrafficMirrorTargetId;
  if (target.Type === 'network-interface') {
    const eni = enis.get(target.NetworkInterfaceId!);
    // The API refuses to delete an ENI that a target uses, so this only guards against bad imports.
    if (!eni) {
      warnings.push(`${id}: its network interface ${target.NetworkInterfaceId} does not exist; the target is left out`);
      return undefined;
    }
    return { targetId: id, type: 'network-interface', address: eni.primaryIpv4, macAddress: eni.macAddress, mtu: eni.mtu };
  }
  const type = target.Type === 'network-load-balancer' ? 'network-load-balancer' : 'gateway-load-balancer-endpoint';
  const key = target.NetworkLoadBalancerArn ?? target.GatewayLoadBalancerEndpointId ?? id;
  let address = derivedTargetAddress(key);
  const tagged = tagValue(target.Tags, ADDRESS_TAG);
  if (tagged !== undefined) {
    if (parseIpv4(tagged) >= 0) address = formatIpv4(parseIpv4(tagged));
    else warnings.push(`${id}: tag ${ADDRESS_TAG}='${tagged}' ignored (an IPv4 address); using ${address}`);
  }
  return { targetId: id, type, address, macAddress: GATEWAY_MAC };
}

function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value?.trim();
}
