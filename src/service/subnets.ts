import type { CreateSubnetRequest, Subnet, SubnetIpv6CidrBlockAssociation } from '../../model/ec2-types.js';
import { invalidParameterValue, invalidValueFor, missingParameter } from '../protocol/api-error.js';
import type { ExtraRules, MemberRule } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { NetworkInterfaceRecord, SubnetRecord, VpcRecord } from '../state/records.js';
import {
  canonicalCidr,
  cidrsOverlap,
  cidrWithin,
  ipv4Number,
  parseIpv4Cidr,
  parseIpv6Cidr,
  SUBNET_IPV6_PREFIX,
  usableIpv4Count,
} from './address-allocation.js';
import type { Handler, HandlerTable } from './call-context.js';
import { describe, describeQuery, matchesNothing, type DescribeSource, type FilterTable } from './describe-engine.js';
import {
  dependencyViolation,
  invalidParameterCombination,
  invalidSubnetIpv6Range,
  invalidSubnetRange,
  subnetConflict,
} from './errors.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { arnPartition, zonesOf, type Zone } from './regions.js';
import { tagsFromSpecifications } from './tagging.js';
import { cidrBlock, ipv4BlockOfAllowedSize, notSupported } from './rule-helpers.js';
import { vpcIpv4Blocks, vpcIpv6Block } from './vpcs.js';

/**
 * Subnets: a block of a VPC's addresses in one Availability Zone, from which network interfaces take
 * theirs. How many addresses are still free is derived from the interfaces, never stored.
 */

/**
 * The zone a CreateSubnet names by name or ID (both must then agree), or the region's first; the
 * region's zones are regions.ts's, the ones DescribeAvailabilityZones lists.
 */
function zoneFor(input: CreateSubnetRequest, region: string): Zone {
  const zones = zonesOf(region);
  const refuse = (parameter: string, value: string, valid: string[]) =>
    invalidParameterValue(
      `Value (${value}) for parameter ${parameter} is invalid. Subnets can currently only be created in the following availability zones: ${valid.join(', ')}.`,
    );
  const byName = input.AvailabilityZone === undefined ? undefined : zones.find((z) => z.AvailabilityZone === input.AvailabilityZone);
  if (input.AvailabilityZone !== undefined && !byName) throw refuse('availabilityZone', input.AvailabilityZone, zones.map((z) => z.AvailabilityZone));
  const byId = input.AvailabilityZoneId === undefined ? undefined : zones.find((z) => z.AvailabilityZoneId === input.AvailabilityZoneId);
  if (input.AvailabilityZoneId !== undefined && !byId) throw refuse('availabilityZoneId', input.AvailabilityZoneId, zones.map((z) => z.AvailabilityZoneId));
  if (byName && byId && byName !== byId) {
    throw invalidParameterCombination(`The Availability Zone ${byName.AvailabilityZone} does not have the ID ${byId.AvailabilityZoneId}.`);
  }
  return byName ?? byId ?? zones[0]!;
}

export function interfacesIn(partition: Partition, subnetId: string): Iterable<NetworkInterfaceRecord> {
  return partition.networkInterfaces.pick(partition.networkInterfacesBySubnet.ids(subnetId));
}

/** An address of a subnet: the interface that holds it, and whether it is that interface's primary. */
export interface AddressHolder {
  eni: NetworkInterfaceRecord;
  primary: boolean;
}

/** Who holds each address of the subnet: IPv4 keyed as numbers, IPv6 in canonical text. */
export function addressHolders(partition: Partition, subnetId: string): { ipv4: Map<number, AddressHolder>; ipv6: Map<string, NetworkInterfaceRecord> } {
  const ipv4 = new Map<number, AddressHolder>();
  const ipv6 = new Map<string, NetworkInterfaceRecord>();
  for (const eni of interfacesIn(partition, subnetId)) {
    for (const address of eni.PrivateIpAddresses ?? []) ipv4.set(ipv4Number(address.PrivateIpAddress!)!, { eni, primary: address.Primary === true });
    for (const address of eni.Ipv6Addresses ?? []) ipv6.set(address.Ipv6Address!, eni);
  }
  return { ipv4, ipv6 };
}

export function subnetIpv6Block(subnet: SubnetRecord): string | undefined {
  return subnet.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
}

type SubnetView = SubnetRecord & { AvailableIpAddressCount: number };

/** How a subnet is described: its free address count derived now, no `tagSet` when it has no tags. */
function view(partition: Partition, subnet: SubnetRecord): SubnetView {
  const used = addressHolders(partition, subnet.SubnetId).ipv4.size;
  return { ...subnet, AvailableIpAddressCount: usableIpv4Count(parseIpv4Cidr(subnet.CidrBlock)!) - used };
}

function present(subnet: SubnetView): Subnet {
  return { ...subnet, Tags: subnet.Tags.length ? subnet.Tags : undefined };
}

/** A subnet's IPv6 /64: inside its VPC's /56, overlapping no other subnet of the VPC. */
export function ipv6Association(requested: string, vpc: VpcRecord, siblings: readonly SubnetRecord[]): SubnetIpv6CidrBlockAssociation {
  const vpcBlock = vpcIpv6Block(vpc);
  if (!vpcBlock) {
    throw invalidParameterValue(`The VPC '${vpc.VpcId}' has no IPv6 CIDR block, so its subnets cannot have one: Ipv6CidrBlock (${requested}) is invalid.`);
  }
  const cidr = parseIpv6Cidr(requested)!;
  if (!cidrWithin(cidr, parseIpv6Cidr(vpcBlock)!)) throw invalidSubnetIpv6Range(requested);
  const Ipv6CidrBlock = canonicalCidr(requested);
  for (const sibling of siblings) {
    const other = subnetIpv6Block(sibling);
    if (other && cidrsOverlap(cidr, parseIpv6Cidr(other)!)) throw subnetConflict(Ipv6CidrBlock);
  }
  return {
    AssociationId: newId('subnet-cidr-assoc'),
    Ipv6CidrBlock,
    Ipv6CidrBlockState: { State: 'associated' },
    Ipv6AddressAttribute: 'public',
    IpSource: 'amazon',
  };
}

const createSubnet: Handler<'CreateSubnet'> = (input, context) => {
  const { partition, region, account } = context;
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  const zone = zoneFor(input, region);
  const cidr = parseIpv4Cidr(input.CidrBlock!)!;
  // Inside one of the VPC's associated IPv4 blocks, the primary or a secondary one.
  if (!vpcIpv4Blocks(vpc).some((block) => cidrWithin(cidr, parseIpv4Cidr(block)!))) throw invalidSubnetRange(input.CidrBlock!);
  const CidrBlock = canonicalCidr(input.CidrBlock!);
  const siblings = [...partition.subnets.pick(partition.subnetsByVpc.ids(vpc.VpcId))];
  if (siblings.some((sibling) => cidrsOverlap(cidr, parseIpv4Cidr(sibling.CidrBlock)!))) throw subnetConflict(CidrBlock);
  const ipv6 = input.Ipv6CidrBlock === undefined ? [] : [ipv6Association(input.Ipv6CidrBlock, vpc, siblings)];

  const SubnetId = newId('subnet', (id) => partition.subnets.has(id));
  const subnet = partition.subnets.put({
    SubnetId,
    SubnetArn: `arn:${arnPartition(region)}:ec2:${region}:${account}:subnet/${SubnetId}`,
    VpcId: vpc.VpcId,
    OwnerId: account,
    State: 'available',
    CidrBlock,
    Ipv6CidrBlockAssociationSet: ipv6,
    ...zone,
    DefaultForAz: false,
    MapPublicIpOnLaunch: false,
    MapCustomerOwnedIpOnLaunch: false,
    AssignIpv6AddressOnCreation: false,
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
    Tags: tagsFromSpecifications(input.TagSpecifications, 'subnet', context.config.quotas.tagsPerResource),
    seq: partition.nextSeq(),
  });
  return { Subnet: present(view(partition, subnet)) };
};

const ipv6 = (s: SubnetView) => s.Ipv6CidrBlockAssociationSet ?? [];
const dnsOptions = (s: SubnetView) => s.PrivateDnsNameOptionsOnLaunch ?? {};
const zone = (s: SubnetView) => s.AvailabilityZone;
const zoneId = (s: SubnetView) => s.AvailabilityZoneId;
const cidr = (s: SubnetView) => s.CidrBlock;
const defaultForAz = (s: SubnetView) => s.DefaultForAz;
// Features mirrorlite has no subnets with (customer-owned pools, Outposts, local interfaces): never a match.

/** The Describe filters, by name. */
export const SUBNET_FILTERS: FilterTable<SubnetView> = {
  'availability-zone': zone,
  availabilityZone: zone,
  'availability-zone-id': zoneId,
  availabilityZoneId: zoneId,
  'available-ip-address-count': (s) => s.AvailableIpAddressCount,
  'cidr-block': cidr,
  cidr,
  cidrBlock: cidr,
  'customer-owned-ipv4-pool': matchesNothing,
  'default-for-az': defaultForAz,
  defaultForAz,
  'enable-dns64': (s) => s.EnableDns64,
  'enable-lni-at-device-index': matchesNothing,
  'ipv6-cidr-block-association.ipv6-cidr-block': (s) => ipv6(s).map((a) => a.Ipv6CidrBlock),
  'ipv6-cidr-block-association.association-id': (s) => ipv6(s).map((a) => a.AssociationId),
  'ipv6-cidr-block-association.state': (s) => ipv6(s).map((a) => a.Ipv6CidrBlockState?.State),
  'ipv6-native': (s) => s.Ipv6Native,
  'map-customer-owned-ip-on-launch': (s) => s.MapCustomerOwnedIpOnLaunch,
  'map-public-ip-on-launch': (s) => s.MapPublicIpOnLaunch,
  'outpost-arn': matchesNothing,
  'owner-id': (s) => s.OwnerId,
  'private-dns-name-options-on-launch.hostname-type': (s) => dnsOptions(s).HostnameType,
  'private-dns-name-options-on-launch.enable-resource-name-dns-a-record': (s) => dnsOptions(s).EnableResourceNameDnsARecord,
  'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record': (s) => dnsOptions(s).EnableResourceNameDnsAAAARecord,
  state: (s) => s.State,
  'subnet-arn': (s) => s.SubnetArn,
  'subnet-id': (s) => s.SubnetId,
  'vpc-id': (s) => s.VpcId,
};

function subnets(partition: Partition): DescribeSource<SubnetView> {
  const table = partition.subnets;
  return {
    kind: 'subnet',
    *all() {
      for (const subnet of table.values()) yield view(partition, subnet);
    },
    idOf: (subnet) => subnet.SubnetId,
    has: (id) => table.has(id),
    tagsOf: (subnet) => subnet.Tags,
    filters: SUBNET_FILTERS,
  };
}

const describeSubnets: Handler<'DescribeSubnets'> = (input, context) => {
  const page = describe(context, subnets(context.partition), describeQuery(input, 'SubnetIds'));
  return { Subnets: page.items.map(present), NextToken: page.nextToken };
};

/** "You must terminate all running instances in the subnet before you can delete the subnet." Interfaces alike. */
const deleteSubnet: Handler<'DeleteSubnet'> = (input, { partition }) => {
  const subnet = existing(partition.subnets, 'subnet', input.SubnetId);
  if (partition.networkInterfacesBySubnet.has(subnet.SubnetId)) throw dependencyViolation('subnet', subnet.SubnetId);
  partition.subnets.delete(subnet.SubnetId);
  return {};
};

export const subnetHandlers: HandlerTable = {
  CreateSubnet: createSubnet,
  DescribeSubnets: describeSubnets,
  DeleteSubnet: deleteSubnet,
};

/** A subnet's IPv6 block, on CreateSubnet and AssociateSubnetCidrBlock: an IPv6 CIDR, and a /64. */
export const subnetIpv6CidrBlock: MemberRule = (value, path, input) => {
  cidrBlock(6)(value, path, input);
  if (parseIpv6Cidr(value as string)!.prefixLength !== SUBNET_IPV6_PREFIX) {
    throw invalidValueFor(path, value, `The IPv6 CIDR block of a subnet must be a /${SUBNET_IPV6_PREFIX}.`);
  }
};

export const subnetRules: ExtraRules = {
  members: {
    'CreateSubnetRequest.CidrBlock': ipv4BlockOfAllowedSize(invalidSubnetRange),
    'CreateSubnetRequest.Ipv6CidrBlock': subnetIpv6CidrBlock,
    // An IPv6-only subnet would give interfaces no IPv4 address, which mirroring's outer headers need.
    'CreateSubnetRequest.Ipv6Native': notSupported,
    'CreateSubnetRequest.OutpostArn': notSupported,
    'CreateSubnetRequest.Ipv4IpamPoolId': notSupported,
    'CreateSubnetRequest.Ipv4NetmaskLength': notSupported,
    'CreateSubnetRequest.Ipv6IpamPoolId': notSupported,
    'CreateSubnetRequest.Ipv6NetmaskLength': notSupported,
  },
  structures: {
    CreateSubnetRequest: (input) => {
      // Without IPAM (and without IPv6-only subnets) the IPv4 block is the only way to size a subnet.
      if (input.CidrBlock === undefined || input.CidrBlock === '') throw missingParameter('CidrBlock');
    },
  },
};
