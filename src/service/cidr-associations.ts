import type { SubnetIpv6CidrBlockAssociation, VpcCidrBlockAssociation, VpcIpv6CidrBlockAssociation } from '../../model/ec2-types.js';
import { missingParameter } from '../protocol/api-error.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Ipv4Cidr } from '../net/cidr.js';
import type { Partition } from '../state/partition.js';
import type { SubnetRecord, VpcRecord } from '../state/records.js';
import { canonicalCidr, cidrsOverlap, cidrWithin, parseIpv4Cidr } from './address-allocation.js';
import type { Handler, HandlerTable } from './call-context.js';
import {
  cidrLimitExceeded,
  invalidParameterCombination,
  invalidVpcRange,
  overlappingVpcCidr,
  primaryCidrBlock,
  restrictedVpcCidr,
  subnetCidrAssociationNotFound,
  subnetCidrBlockInUse,
  vpcCidrAssociationNotFound,
  vpcCidrBlockInUse,
} from './errors.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { ipv4BlockOfAllowedSize, notSupported } from './rule-helpers.js';
import { interfacesIn, ipv6Association, subnetIpv6Block, subnetIpv6CidrBlock } from './subnets.js';
import { amazonProvidedIpv6Block, checkNetworkBorderGroup, vpcIpv6Block } from './vpcs.js';

/**
 * AssociateVpcCidrBlock, DisassociateVpcCidrBlock, AssociateSubnetCidrBlock and
 * DisassociateSubnetCidrBlock: the blocks a VPC or subnet gains or loses after it was created (a
 * secondary IPv4 block, the Amazon-provided IPv6 /56, a subnet's IPv6 /64).
 *
 * EC2 associates and disassociates asynchronously (`associating`, `disassociating`); mirrorlite has
 * no delay, so an association is `associated` in the answer and at once in Describe, and a
 * disassociated block (decided) leaves the VPC's or subnet's association set at once: its answer
 * says `disassociated`, and Describe no longer lists it, where EC2 lists it as `disassociated` for a
 * while. Clients that wait (Terraform) accept either. Options mirrorlite does not model (IPAM pools,
 * BYOIP pools, an explicit IPv6 block, network border groups other than the region) are refused as
 * CreateVpc refuses them. Associating IPv6 later changes no security group rule, as in EC2 (the
 * default group's outbound `::/0` rule is only given to a VPC created with IPv6); the main route
 * table's local routes and the default network ACL follow the VPC's blocks (vpc-defaults.ts).
 */

const RFC_1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((text) => parseIpv4Cidr(text)!);
/** Reserved by AWS: associable only to a VPC whose primary block is in it. */
const BENCHMARK_RANGE = parseIpv4Cidr('198.19.0.0/16')!;

const rfc1918RangeOf = (cidr: Ipv4Cidr) => RFC_1918.find((range) => cidrWithin(cidr, range));

/**
 * The documented restrictions on a secondary IPv4 block, relative to the range the primary block is
 * in ("IPv4 CIDR block association restrictions", Amazon VPC User Guide): a block of another RFC 1918
 * range than the primary's (any RFC 1918 range when the primary is publicly routable, in
 * 100.64.0.0/10 or in 198.19.0.0/16), and a block of 198.19.0.0/16 unless the primary is in it.
 */
function isRestricted(primary: Ipv4Cidr, block: Ipv4Cidr): boolean {
  const range = rfc1918RangeOf(block);
  if (range && range !== rfc1918RangeOf(primary)) return true;
  return cidrsOverlap(block, BENCHMARK_RANGE) && !cidrWithin(primary, BENCHMARK_RANGE);
}

const subnetsOf = (partition: Partition, vpc: VpcRecord): SubnetRecord[] => [...partition.subnets.pick(partition.subnetsByVpc.ids(vpc.VpcId))];

const associateVpcCidrBlock: Handler<'AssociateVpcCidrBlock'> = (input, context) => {
  const { partition, region } = context;
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  if (input.AmazonProvidedIpv6CidrBlock === true) {
    checkNetworkBorderGroup(input.Ipv6CidrBlockNetworkBorderGroup, region);
    // "You can have one IPv6 CIDR block association per network border group", and here the region is the only one.
    if (vpcIpv6Block(vpc) !== undefined) throw cidrLimitExceeded(vpc.VpcId, 1, 'IPv6 ');
    const association: VpcIpv6CidrBlockAssociation = amazonProvidedIpv6Block(partition, region);
    partition.vpcs.put({ ...vpc, Ipv6CidrBlockAssociationSet: [...(vpc.Ipv6CidrBlockAssociationSet ?? []), association] });
    return { VpcId: vpc.VpcId, Ipv6CidrBlockAssociation: association };
  }
  const CidrBlock = canonicalCidr(input.CidrBlock!);
  const block = parseIpv4Cidr(CidrBlock)!;
  const existingBlocks = vpc.CidrBlockAssociationSet ?? [];
  const limit = context.config.quotas.ipv4CidrBlocksPerVpc;
  if (existingBlocks.length >= limit) throw cidrLimitExceeded(vpc.VpcId, limit);
  if (isRestricted(parseIpv4Cidr(vpc.CidrBlock)!, block)) throw restrictedVpcCidr(CidrBlock);
  const overlapping = existingBlocks.find((a) => a.CidrBlock && cidrsOverlap(block, parseIpv4Cidr(a.CidrBlock)!));
  if (overlapping) throw overlappingVpcCidr(CidrBlock, overlapping.CidrBlock!);
  const association: VpcCidrBlockAssociation = {
    AssociationId: newId('vpc-cidr-assoc'),
    CidrBlock,
    CidrBlockState: { State: 'associated' },
  };
  partition.vpcs.put({ ...vpc, CidrBlockAssociationSet: [...existingBlocks, association] });
  return { VpcId: vpc.VpcId, CidrBlockAssociation: association };
};

/** "You cannot disassociate the primary CIDR block", nor a block subnets still take theirs from. */
const disassociateVpcCidrBlock: Handler<'DisassociateVpcCidrBlock'> = (input, { partition }) => {
  const id = input.AssociationId;
  for (const vpc of partition.vpcs.values()) {
    const ipv4 = (vpc.CidrBlockAssociationSet ?? []).find((a) => a.AssociationId === id);
    if (ipv4) {
      if (ipv4 === vpc.CidrBlockAssociationSet![0]) throw primaryCidrBlock(id);
      const block = parseIpv4Cidr(ipv4.CidrBlock!)!;
      if (subnetsOf(partition, vpc).some((subnet) => cidrWithin(parseIpv4Cidr(subnet.CidrBlock)!, block))) {
        throw vpcCidrBlockInUse(vpc.VpcId, ipv4.CidrBlock!);
      }
      partition.vpcs.put({ ...vpc, CidrBlockAssociationSet: vpc.CidrBlockAssociationSet!.filter((a) => a !== ipv4) });
      return { VpcId: vpc.VpcId, CidrBlockAssociation: { ...ipv4, CidrBlockState: { State: 'disassociated' } } };
    }
    const ipv6 = (vpc.Ipv6CidrBlockAssociationSet ?? []).find((a) => a.AssociationId === id);
    if (ipv6) {
      if (subnetsOf(partition, vpc).some((subnet) => subnetIpv6Block(subnet) !== undefined)) throw vpcCidrBlockInUse(vpc.VpcId, ipv6.Ipv6CidrBlock!);
      partition.vpcs.put({ ...vpc, Ipv6CidrBlockAssociationSet: vpc.Ipv6CidrBlockAssociationSet!.filter((a) => a !== ipv6) });
      return { VpcId: vpc.VpcId, Ipv6CidrBlockAssociation: { ...ipv6, Ipv6CidrBlockState: { State: 'disassociated' } } };
    }
  }
  throw vpcCidrAssociationNotFound(id);
};

/** A subnet has at most one IPv6 block: a /64 of its VPC's /56 that no other subnet of the VPC has. */
const associateSubnetCidrBlock: Handler<'AssociateSubnetCidrBlock'> = (input, { partition }) => {
  const subnet = existing(partition.subnets, 'subnet', input.SubnetId);
  // Decided: EC2 documents one IPv6 block per subnet, not the error for a second one.
  if (subnetIpv6Block(subnet) !== undefined) throw cidrLimitExceeded(subnet.SubnetId, 1, 'IPv6 ');
  const vpc = partition.vpcs.get(subnet.VpcId)!;
  const siblings = subnetsOf(partition, vpc).filter((other) => other.SubnetId !== subnet.SubnetId);
  const association: SubnetIpv6CidrBlockAssociation = ipv6Association(input.Ipv6CidrBlock!, vpc, siblings);
  partition.subnets.put({ ...subnet, Ipv6CidrBlockAssociationSet: [association] });
  return { SubnetId: subnet.SubnetId, Ipv6CidrBlockAssociation: association };
};

/**
 * Refused while the subnet gives new interfaces an IPv6 address (EC2's message), and (decided
 * wording, after it) while an interface of the subnet holds one of the block's addresses.
 */
const disassociateSubnetCidrBlock: Handler<'DisassociateSubnetCidrBlock'> = (input, { partition }) => {
  const id = input.AssociationId;
  for (const subnet of partition.subnets.values()) {
    const association = (subnet.Ipv6CidrBlockAssociationSet ?? []).find((a) => a.AssociationId === id);
    if (!association) continue;
    if (subnet.AssignIpv6AddressOnCreation === true) throw subnetCidrBlockInUse(id, 'its subnet has assign-ipv6-address-on-creation set to true');
    if ([...interfacesIn(partition, subnet.SubnetId)].some((eni) => (eni.Ipv6Addresses ?? []).length > 0)) {
      throw subnetCidrBlockInUse(id, 'network interfaces in its subnet have IPv6 addresses from it');
    }
    partition.subnets.put({ ...subnet, Ipv6CidrBlockAssociationSet: subnet.Ipv6CidrBlockAssociationSet!.filter((a) => a !== association) });
    return { SubnetId: subnet.SubnetId, Ipv6CidrBlockAssociation: { ...association, Ipv6CidrBlockState: { State: 'disassociated' } } };
  }
  throw subnetCidrAssociationNotFound(id);
};

export const cidrAssociationHandlers: HandlerTable = {
  AssociateVpcCidrBlock: associateVpcCidrBlock,
  DisassociateVpcCidrBlock: disassociateVpcCidrBlock,
  AssociateSubnetCidrBlock: associateSubnetCidrBlock,
  DisassociateSubnetCidrBlock: disassociateSubnetCidrBlock,
};

export const cidrAssociationRules: ExtraRules = {
  members: {
    'AssociateVpcCidrBlockRequest.CidrBlock': ipv4BlockOfAllowedSize(invalidVpcRange),
    'AssociateVpcCidrBlockRequest.Ipv6Pool': notSupported,
    'AssociateVpcCidrBlockRequest.Ipv6CidrBlock': notSupported,
    'AssociateVpcCidrBlockRequest.Ipv4IpamPoolId': notSupported,
    'AssociateVpcCidrBlockRequest.Ipv4NetmaskLength': notSupported,
    'AssociateVpcCidrBlockRequest.Ipv6IpamPoolId': notSupported,
    'AssociateVpcCidrBlockRequest.Ipv6NetmaskLength': notSupported,
    'AssociateSubnetCidrBlockRequest.Ipv6CidrBlock': subnetIpv6CidrBlock,
    'AssociateSubnetCidrBlockRequest.Ipv6IpamPoolId': notSupported,
    'AssociateSubnetCidrBlockRequest.Ipv6NetmaskLength': notSupported,
  },
  structures: {
    AssociateVpcCidrBlockRequest: (input) => {
      const ipv4 = input.CidrBlock !== undefined && input.CidrBlock !== '';
      const ipv6 = input.AmazonProvidedIpv6CidrBlock === true;
      // Decided: EC2 documents that one of them must be given, not the error for neither or both.
      if (!ipv4 && !ipv6) throw missingParameter('CidrBlock');
      if (ipv4 && ipv6) throw invalidParameterCombination('Only one of CidrBlock and AmazonProvidedIpv6CidrBlock can be specified.');
      if (input.Ipv6CidrBlockNetworkBorderGroup !== undefined && !ipv6) {
        throw invalidParameterCombination('The parameter Ipv6CidrBlockNetworkBorderGroup can only be used with AmazonProvidedIpv6CidrBlock.');
      }
    },
    // Without IPAM the /64 itself is the only way to name a subnet's IPv6 block.
    AssociateSubnetCidrBlockRequest: (input) => {
      if (input.Ipv6CidrBlock === undefined || input.Ipv6CidrBlock === '') throw missingParameter('Ipv6CidrBlock');
    },
  },
};
