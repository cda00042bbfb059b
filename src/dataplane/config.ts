// The data plane's input: a snapshot of the mirroring configuration as plain records. The control
// plane builds one from its store after each change; the engine compiles it once (mirror-engine.ts).
// Addresses and CIDRs are text as the EC2 API carries them.
import { EC2_JUMBO_MTU } from '../net/mtu.js';

export interface EniConfig {
  networkInterfaceId: string;
  macAddress: string;
  primaryIpv4: string;
  /** Every private IPv4 address of the ENI (the primary one included or not: both work). */
  ipv4Addresses: string[];
  ipv6Addresses: string[];
  /** The IPv4 CIDR blocks of the ENI's VPC: the Amazon DNS resolver sits at each base + 2. */
  vpcIpv4Cidrs: string[];
  mtu: number;
}

export interface PortRange {
  from: number;
  to: number;
}

export interface RuleConfig {
  ruleId: string;
  ruleNumber: number;
  direction: 'ingress' | 'egress';
  action: 'accept' | 'reject';
  /** IANA protocol number; absent means every protocol. */
  protocol?: number;
  sourceCidr: string;
  destinationCidr: string;
  sourcePorts?: PortRange;
  destinationPorts?: PortRange;
}

export interface FilterConfig {
  filterId: string;
  /** Enabled network services; the only one AWS defines is 'amazon-dns'. */
  networkServices: string[];
  rules: RuleConfig[];
}

export interface TargetConfig {
  targetId: string;
  type: 'network-interface' | 'network-load-balancer' | 'gateway-load-balancer-endpoint';
  /** Outer destination IPv4 address. */
  address: string;
  /** Outer destination MAC address. */
  macAddress: string;
  /** The MTU mirrored packets are cut to (vxlan.ts MTU_BUDGET_GAP): ENI targets 9001 and GWLB endpoints 8500 when absent; NLB targets none. */
  mtu?: number;
}

export interface SessionConfig {
  sessionId: string;
  sessionNumber: number;
  networkInterfaceId: string;
  filterId: string;
  targetId: string;
  virtualNetworkId: number;
  /** Bytes of the original frame kept after the VXLAN header; absent means the whole frame. */
  packetLength?: number;
}

export interface MirrorConfig {
  enis: EniConfig[];
  filters: FilterConfig[];
  targets: TargetConfig[];
  sessions: SessionConfig[];
}

export const AMAZON_DNS_SERVICE = 'amazon-dns';

/** The MTU of an ENI target when the snapshot leaves it out (the EC2 jumbo-frame MTU). */
export const DEFAULT_TARGET_MTU = EC2_JUMBO_MTU;

/** A Gateway Load Balancer's MTU ("The maximum MTU supported by the Gateway Load Balancer is 8500"). */
export const GATEWAY_LOAD_BALANCER_MTU = 8500;

/** A snapshot that cannot be compiled: a dangling reference or a malformed value. */
export class MirrorConfigError extends Error {
  override readonly name = 'MirrorConfigError';
}
