import type {
  NetworkInterface,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Tag,
  TrafficMirrorFilter,
  TrafficMirrorFilterRule,
  TrafficMirrorSession,
  TrafficMirrorTarget,
  Vpc,
} from '../../model/ec2-types.js';
import type { StoredRecord } from './table.js';

/**
 * What the store keeps: each record is the resource as the API describes it (members keyed by model
 * names, so a Describe returns it as is and the XML writer ignores the extra fields), plus the few
 * internal fields mirrorlite needs, in lowerCamelCase so they never collide with model members.
 */

type With<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };

export type VpcRecord = With<Vpc, 'VpcId' | 'CidrBlock' | 'OwnerId' | 'Tags'> &
  StoredRecord & {
    /** The security group that ENIs created without Groups join. */
    defaultSecurityGroupId: string;
    /**
     * DescribeVpcAttribute's answers once ModifyVpcAttribute has set them; absent: EC2's defaults for
     * a new non-default VPC (DNS support on, DNS hostnames and usage metrics off).
     */
    enableDnsSupport?: boolean;
    enableDnsHostnames?: boolean;
    enableNetworkAddressUsageMetrics?: boolean;
  };

/** Rules are records of their own (as EC2's security group rules are); a group's permissions are assembled when it is described. */
export type SecurityGroupRecord = With<
  Omit<SecurityGroup, 'IpPermissions' | 'IpPermissionsEgress'>,
  'GroupId' | 'GroupName' | 'Description' | 'VpcId' | 'OwnerId' | 'Tags'
> &
  StoredRecord;

/** One protocol, one port range and one peer: a CIDR, a prefix list or a referenced group. */
export type SecurityGroupRuleRecord = With<
  SecurityGroupRule,
  'SecurityGroupRuleId' | 'GroupId' | 'GroupOwnerId' | 'IsEgress' | 'IpProtocol' | 'FromPort' | 'ToPort' | 'Tags'
> &
  StoredRecord;

export type SubnetRecord = With<Subnet, 'SubnetId' | 'VpcId' | 'CidrBlock' | 'Tags'> & StoredRecord;

export type NetworkInterfaceRecord = With<
  NetworkInterface,
  'NetworkInterfaceId' | 'SubnetId' | 'VpcId' | 'PrivateIpAddress' | 'MacAddress' | 'TagSet'
> &
  StoredRecord & {
    /** MTU of the interface; a mirror target truncates what it receives to it. */
    mtu: number;
    /**
     * EnablePrimaryIpv6 was given (at create or later). It cannot be taken back; the interface's first
     * IPv6 address is its primary, or the first one assigned when it has none yet.
     */
    primaryIpv6Enabled?: true;
  };

export type TrafficMirrorTargetRecord = With<TrafficMirrorTarget, 'TrafficMirrorTargetId' | 'Type' | 'Tags'> & StoredRecord;

/** Rules are records of their own; a filter's rule sets are assembled when it is described. */
export type TrafficMirrorFilterRecord = With<
  Omit<TrafficMirrorFilter, 'IngressFilterRules' | 'EgressFilterRules'>,
  'TrafficMirrorFilterId' | 'NetworkServices' | 'Tags'
> &
  StoredRecord;

export type TrafficMirrorFilterRuleRecord = With<
  TrafficMirrorFilterRule,
  | 'TrafficMirrorFilterRuleId'
  | 'TrafficMirrorFilterId'
  | 'TrafficDirection'
  | 'RuleNumber'
  | 'RuleAction'
  | 'SourceCidrBlock'
  | 'DestinationCidrBlock'
  | 'Tags'
> &
  StoredRecord;

export type TrafficMirrorSessionRecord = With<
  TrafficMirrorSession,
  | 'TrafficMirrorSessionId'
  | 'TrafficMirrorTargetId'
  | 'TrafficMirrorFilterId'
  | 'NetworkInterfaceId'
  | 'SessionNumber'
  | 'VirtualNetworkId'
  | 'OwnerId'
  | 'Tags'
> &
  StoredRecord & {
    /**
     * PacketLength is the 8500 an NLB target gets when none is given, not one the caller chose: a
     * move to another kind of target drops it, where a chosen one (even 8500) is kept.
     */
    packetLengthDefaulted?: true;
  };

/** What a create call answered, kept so that a retry with the same ClientToken gets it again. */
export interface ClientTokenRecord extends StoredRecord {
  /** `<Operation>:<ClientToken>` */
  key: string;
  /** A digest of the call's parameters other than ClientToken and DryRun. */
  parameters: string;
  output: Record<string, unknown>;
}

export type { Tag };
