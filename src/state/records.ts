import type {
  NetworkInterface,
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

export type SubnetRecord = With<Subnet, 'SubnetId' | 'VpcId' | 'CidrBlock' | 'Tags'> & StoredRecord;

export type NetworkInterfaceRecord = With<
  NetworkInterface,
  'NetworkInterfaceId' | 'SubnetId' | 'VpcId' | 'PrivateIpAddress' | 'MacAddress' | 'TagSet'
> &
  StoredRecord & {
    /** MTU of the interface; a mirror target truncates what it receives to it. */
    mtu: number;
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
  StoredRecord;

/** What a create call answered, kept so that a retry with the same ClientToken gets it again. */
export interface ClientTokenRecord extends StoredRecord {
  /** `<Operation>:<ClientToken>` */
  key: string;
  /** A digest of the call's parameters other than ClientToken and DryRun. */
  parameters: string;
  output: Record<string, unknown>;
}

export type { Tag };
