import type { Vpc, VpcIpv6CidrBlockAssociation } from '../../model/ec2-types.js';
import { invalidValueFor, missingParameter } from '../protocol/api-error.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { VpcRecord } from '../state/records.js';
import { canonicalCidr, randomVpcIpv6Block } from './address-allocation.js';
import type { CallContext, Handler, HandlerTable } from './call-context.js';
import { describe, describeQuery, tableSource, type FilterTable } from './describe-engine.js';
import { dependencyViolation, invalidParameterCombination, invalidVpcRange } from './errors.js';
import { derivedId, newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { ipv4BlockOfAllowedSize, notSupported } from './rule-helpers.js';
import { createDefaultSecurityGroup, deleteSecurityGroupsOfVpc } from './security-groups.js';
import { tagsFromSpecifications } from './tagging.js';
import type { Store } from '../state/store.js';

/**
 * VPCs: the networks that subnets and network interfaces live in. A fresh account has no default
 * VPC (nor default subnets): mirrorlite holds only what the caller created, so a Describe of a new
 * account is empty and nothing needs cleaning up before a DeleteVpc test.
 */

/** How a VPC is described: EC2 leaves `tagSet` out for a VPC without tags. */
export function presentVpc(vpc: VpcRecord): Vpc {
  return { ...vpc, Tags: vpc.Tags.length ? vpc.Tags : undefined };
}

/** The VPC's Amazon-provided IPv6 block, if it asked for one. */
export function vpcIpv6Block(vpc: VpcRecord): string | undefined {
  return vpc.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
}

/**
 * Gives every VPC that has no stored default security group one. Versions of mirrorlite before
 * security groups were stored derived the default group from the VPC, so state they saved (a data
 * directory, an exported state file) has VPCs without one; this runs when such state is loaded,
 * and keeps the group ID the VPC had.
 */
export function materialiseDefaultSecurityGroups(store: Store): void {
  store.transaction(() => {
    for (const partition of store.partitions()) {
      for (const vpc of partition.vpcs.values()) {
        if (!partition.securityGroups.has(vpc.defaultSecurityGroupId)) createDefaultSecurityGroup(partition, vpc, vpcIpv6Block(vpc) !== undefined);
      }
    }
  });
}

/**
 * Every account has one default DHCP options set per region, which every new VPC uses. mirrorlite
 * keeps no DHCP options sets, so the set's ID is derived from the account and region: stable for
 * the life of the account, the same for all its VPCs.
 */
function defaultDhcpOptionsId({ account, region }: CallContext): string {
  return derivedId('dhcp-options', `${account}/${region}`);
}

/**
 * The VPC's IPv4 blocks that subnets may take theirs from: the primary one and every secondary one
 * AssociateVpcCidrBlock added (a disassociated block leaves the set at once, see cidr-associations.ts).
 */
export function vpcIpv4Blocks(vpc: VpcRecord): string[] {
  const blocks = (vpc.CidrBlockAssociationSet ?? []).filter((a) => a.CidrBlock && a.CidrBlockState?.State === 'associated').map((a) => a.CidrBlock!);
  return blocks.length > 0 ? blocks : [vpc.CidrBlock];
}

/** A new Amazon-provided /56, distinct from every other VPC's of the account and region. */
export function amazonProvidedIpv6Block(partition: Partition, region: string): VpcIpv6CidrBlockAssociation {
  const taken = new Set([...partition.vpcs.values()].map(vpcIpv6Block));
  return {
    AssociationId: newId('vpc-cidr-assoc'),
    Ipv6CidrBlock: randomVpcIpv6Block((block) => taken.has(block)),
    Ipv6CidrBlockState: { State: 'associated' },
    NetworkBorderGroup: region,
    Ipv6Pool: 'Amazon',
    Ipv6AddressAttribute: 'public',
    IpSource: 'amazon',
  };
}

/** mirrorlite has no Local Zones: the only network border group is the region itself. */
export function checkNetworkBorderGroup(group: string | undefined, region: string): void {
  if (group !== undefined && group !== region) {
    throw invalidValueFor('Ipv6CidrBlockNetworkBorderGroup', group, `The only network border group here is ${region}.`);
  }
}

const createVpc: Handler<'CreateVpc'> = (input, context) => {
  const { partition, region } = context;
  checkNetworkBorderGroup(input.Ipv6CidrBlockNetworkBorderGroup, region);
  const VpcId = newId('vpc', (id) => partition.vpcs.has(id));
  const CidrBlock = canonicalCidr(input.CidrBlock!);
  const vpc = partition.vpcs.put({
    VpcId,
    OwnerId: context.account,
    State: 'available',
    CidrBlock,
    CidrBlockAssociationSet: [{ AssociationId: newId('vpc-cidr-assoc'), CidrBlock, CidrBlockState: { State: 'associated' } }],
    Ipv6CidrBlockAssociationSet: input.AmazonProvidedIpv6CidrBlock ? [amazonProvidedIpv6Block(partition, region)] : [],
    DhcpOptionsId: defaultDhcpOptionsId(context),
    InstanceTenancy: input.InstanceTenancy ?? 'default',
    IsDefault: false,
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    Tags: tagsFromSpecifications(input.TagSpecifications, 'vpc', context.config.quotas.tagsPerResource),
    defaultSecurityGroupId: newId('security-group'),
    seq: partition.nextSeq(),
  });
  createDefaultSecurityGroup(partition, vpc, input.AmazonProvidedIpv6CidrBlock === true);
  return { Vpc: presentVpc(vpc) };
};

const ipv6 = (v: VpcRecord) => v.Ipv6CidrBlockAssociationSet ?? [];

/** The Describe filters, by name. */
export const VPC_FILTERS: FilterTable<VpcRecord> = {
  cidr: (v) => v.CidrBlock,
  'cidr-block-association.cidr-block': (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock),
  'cidr-block-association.association-id': (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.AssociationId),
  'cidr-block-association.state': (v) => (v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlockState?.State),
  'dhcp-options-id': (v) => v.DhcpOptionsId,
  'ipv6-cidr-block-association.ipv6-cidr-block': (v) => ipv6(v).map((a) => a.Ipv6CidrBlock),
  'ipv6-cidr-block-association.ipv6-pool': (v) => ipv6(v).map((a) => a.Ipv6Pool),
  'ipv6-cidr-block-association.association-id': (v) => ipv6(v).map((a) => a.AssociationId),
  'ipv6-cidr-block-association.state': (v) => ipv6(v).map((a) => a.Ipv6CidrBlockState?.State),
  'is-default': (v) => v.IsDefault,
  'owner-id': (v) => v.OwnerId,
  state: (v) => v.State,
  'vpc-id': (v) => v.VpcId,
};

const describeVpcs: Handler<'DescribeVpcs'> = (input, context) => {
  const page = describe(context, tableSource(context.partition.vpcs, 'vpc', VPC_FILTERS, (v) => v.Tags), describeQuery(input, 'VpcIds'));
  return { Vpcs: page.items.map(presentVpc), NextToken: page.nextToken };
};

/** "You must detach or delete all gateways and resources that are associated with the VPC before you can delete it." */
const deleteVpc: Handler<'DeleteVpc'> = (input, { partition }) => {
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  if (partition.subnetsByVpc.has(vpc.VpcId)) throw dependencyViolation('vpc', vpc.VpcId);
  deleteSecurityGroupsOfVpc(partition, vpc);
  partition.vpcs.delete(vpc.VpcId);
  return {};
};

export const vpcHandlers: HandlerTable = {
  CreateVpc: createVpc,
  DescribeVpcs: describeVpcs,
  DeleteVpc: deleteVpc,
};

export const vpcRules: ExtraRules = {
  members: {
    'CreateVpcRequest.CidrBlock': ipv4BlockOfAllowedSize(invalidVpcRange),
    'CreateVpcRequest.InstanceTenancy': (value, path) => {
      if (value === 'host') throw invalidValueFor(path, value, 'A VPC cannot have host tenancy: use default or dedicated.');
    },
    'CreateVpcRequest.Ipv6Pool': notSupported,
    'CreateVpcRequest.Ipv6CidrBlock': notSupported,
    'CreateVpcRequest.Ipv4IpamPoolId': notSupported,
    'CreateVpcRequest.Ipv4NetmaskLength': notSupported,
    'CreateVpcRequest.Ipv6IpamPoolId': notSupported,
    'CreateVpcRequest.Ipv6NetmaskLength': notSupported,
    'CreateVpcRequest.VpcEncryptionControl': notSupported,
  },
  structures: {
    CreateVpcRequest: (input) => {
      // Without IPAM, the IPv4 block is the only way to size a VPC.
      if (input.CidrBlock === undefined || input.CidrBlock === '') throw missingParameter('CidrBlock');
      if (input.Ipv6CidrBlockNetworkBorderGroup !== undefined && input.AmazonProvidedIpv6CidrBlock !== true) {
        throw invalidParameterCombination('The parameter Ipv6CidrBlockNetworkBorderGroup can only be used with AmazonProvidedIpv6CidrBlock.');
      }
    },
  },
};
