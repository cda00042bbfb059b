import type { CreateNetworkInterfaceRequest, PrivateIpAddressSpecification } from '../../model/ec2-types.js';
import { invalidParameterValue, invalidValueFor, missingParameter } from '../protocol/api-error.js';
import type { ExtraRules, MemberRule } from '../protocol/input-validator.js';
import type { NetworkInterfaceRecord } from '../state/records.js';
import { privateDnsName, randomMacAddress } from './address-allocation.js';
import type { CallContext, Handler, HandlerTable } from './call-context.js';
import { idempotent } from './client-token.js';
import { describe, describeQuery, matchesNothing, tableSource, type FilterTable } from './describe-engine.js';
import {
  invalidParameterCombination,
  malformedGroupId,
  networkInterfaceInUse,
  securityGroupsPerInterfaceLimitExceeded,
} from './errors.js';
import { isIdOf, newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { initialIpv4Addresses, initialIpv6Addresses, ipv6Address, primaryOf, privateIpAddress, withPrimaryIpv6 } from './network-interface-addresses.js';
import { integerBetween, ipAddress, maxLength, notSupported } from './rule-helpers.js';
import { interfaceGroups } from './security-groups.js';
import { addressHolders } from './subnets.js';
import { tagsFromSpecifications } from './tagging.js';
import { EC2_JUMBO_MTU } from '../net/mtu.js';

/**
 * Network interfaces (ENIs): the sources and targets of traffic mirroring. An interface lives in one
 * subnet, holds addresses of it and a MAC address, and is never attached to an instance here.
 */

/** "Security groups per network interface": 5 by default. */
const MAX_SECURITY_GROUPS = 5;

export const MAX_DESCRIPTION_LENGTH = 255;

function newNetworkInterface(input: CreateNetworkInterfaceRequest, context: CallContext): NetworkInterfaceRecord {
  const { partition, region, account } = context;
  const subnet = existing(partition.subnets, 'subnet', input.SubnetId);
  const vpc = partition.vpcs.get(subnet.VpcId)!;
  const holders = addressHolders(partition, subnet.SubnetId);
  const Groups = interfaceGroups(partition, input.Groups, vpc, subnet.SubnetId);
  const ipv4 = initialIpv4Addresses(input, subnet, holders.ipv4);
  const ipv6 = initialIpv6Addresses(input, subnet, holders.ipv6);

  const NetworkInterfaceId = newId('network-interface', (id) => partition.networkInterfaces.has(id));
  return partition.networkInterfaces.put(withPrimaryIpv6({
    NetworkInterfaceId,
    SubnetId: subnet.SubnetId,
    VpcId: subnet.VpcId,
    AvailabilityZone: subnet.AvailabilityZone,
    AvailabilityZoneId: subnet.AvailabilityZoneId,
    ...(input.ConnectionTrackingSpecification ? { ConnectionTrackingConfiguration: { ...input.ConnectionTrackingSpecification } } : {}),
    Description: input.Description ?? '',
    Groups,
    InterfaceType: input.InterfaceType ?? 'interface',
    Ipv6Addresses: ipv6.map(ipv6Address),
    MacAddress: randomMacAddress((mac) => partition.networkInterfacesByMacAddress.has(mac)),
    OwnerId: account,
    PrivateDnsName: privateDnsName(ipv4[0]!, region),
    PrivateIpAddress: ipv4[0]!,
    PrivateIpAddresses: ipv4.map((address, i) => privateIpAddress(address, i === 0, region)),
    RequesterManaged: false,
    SourceDestCheck: true,
    Status: 'available',
    TagSet: tagsFromSpecifications(input.TagSpecifications, 'network-interface', context.config.quotas.tagsPerResource),
    Ipv6Native: false,
    mtu: EC2_JUMBO_MTU,
    ...(input.EnablePrimaryIpv6 ? { primaryIpv6Enabled: true as const } : {}),
    seq: partition.nextSeq(),
  }));
}

const createNetworkInterface: Handler<'CreateNetworkInterface'> = (input, context) =>
  idempotent(context, input, () => ({ NetworkInterface: newNetworkInterface(input, context) }));

const ipv4 = (e: NetworkInterfaceRecord) => (e.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress);
// Interfaces here are never attached nor associated with public addresses, nor requested by a service.

/** The Describe filters, by name. */
export const NETWORK_INTERFACE_FILTERS: FilterTable<NetworkInterfaceRecord> = {
  'addresses.private-ip-address': ipv4,
  'addresses.primary': (e) => (e.PrivateIpAddresses ?? []).map((a) => a.Primary),
  'addresses.association.public-ip': matchesNothing,
  'addresses.association.owner-id': matchesNothing,
  'association.association-id': matchesNothing,
  'association.allocation-id': matchesNothing,
  'association.ip-owner-id': matchesNothing,
  'association.public-ip': matchesNothing,
  'association.public-dns-name': matchesNothing,
  'attachment.attach-time': matchesNothing,
  'attachment.attachment-id': matchesNothing,
  'attachment.delete-on-termination': matchesNothing,
  'attachment.device-index': matchesNothing,
  'attachment.instance-id': matchesNothing,
  'attachment.instance-owner-id': matchesNothing,
  'attachment.status': matchesNothing,
  'availability-zone': (e) => e.AvailabilityZone,
  description: (e) => e.Description,
  'group-id': (e) => (e.Groups ?? []).map((g) => g.GroupId),
  'group-name': (e) => (e.Groups ?? []).map((g) => g.GroupName),
  'ipv6-addresses.ipv6-address': (e) => (e.Ipv6Addresses ?? []).map((a) => a.Ipv6Address),
  'interface-type': (e) => e.InterfaceType,
  'mac-address': (e) => e.MacAddress,
  'network-interface-id': (e) => e.NetworkInterfaceId,
  'operator.managed': () => false,
  'operator.principal': matchesNothing,
  'owner-id': (e) => e.OwnerId,
  'private-dns-name': (e) => e.PrivateDnsName,
  'private-ip-address': ipv4,
  'public-dns-name': matchesNothing,
  'requester-id': matchesNothing,
  'requester-managed': (e) => e.RequesterManaged,
  'source-dest-check': (e) => e.SourceDestCheck,
  status: (e) => e.Status,
  'subnet-id': (e) => e.SubnetId,
  'vpc-id': (e) => e.VpcId,
};

const describeNetworkInterfaces: Handler<'DescribeNetworkInterfaces'> = (input, context) => {
  const page = describe(context, tableSource(context.partition.networkInterfaces, 'network-interface', NETWORK_INTERFACE_FILTERS, (e) => e.TagSet), describeQuery(input, 'NetworkInterfaceIds'));
  return { NetworkInterfaces: page.items, NextToken: page.nextToken };
};

/**
 * An interface a traffic mirror target uses cannot be deleted. Deleting a session's source interface
 * deletes its sessions, as AWS does (Traffic Mirroring user guide), in the same transaction.
 */
const deleteNetworkInterface: Handler<'DeleteNetworkInterface'> = (input, { partition }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  const id = eni.NetworkInterfaceId;
  if (partition.targetsByNetworkInterface.has(id)) throw networkInterfaceInUse(id);
  for (const sessionId of [...partition.sessionsByNetworkInterface.ids(id)]) partition.trafficMirrorSessions.delete(sessionId);
  partition.networkInterfaces.delete(id);
  return {};
};

export const networkInterfaceHandlers: HandlerTable = {
  CreateNetworkInterface: createNetworkInterface,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
  DeleteNetworkInterface: deleteNetworkInterface,
};

const notNegative: MemberRule = (value, path) => {
  if ((value as number) < 0) throw invalidValueFor(path, value, 'It must not be negative.');
};

export const securityGroupIds: MemberRule = (value) => {
  const ids = value as string[];
  const malformed = ids.find((id) => !isIdOf('security-group', id));
  if (malformed !== undefined) throw malformedGroupId(malformed);
  if (new Set(ids).size > MAX_SECURITY_GROUPS) throw securityGroupsPerInterfaceLimitExceeded(MAX_SECURITY_GROUPS);
};

export const networkInterfaceRules: ExtraRules = {
  members: {
    'CreateNetworkInterfaceRequest.Description': maxLength(MAX_DESCRIPTION_LENGTH),
    'CreateNetworkInterfaceRequest.PrivateIpAddress': ipAddress(4),
    'CreateNetworkInterfaceRequest.Groups': securityGroupIds,
    'CreateNetworkInterfaceRequest.SecondaryPrivateIpAddressCount': notNegative,
    'CreateNetworkInterfaceRequest.Ipv6AddressCount': notNegative,
    'CreateNetworkInterfaceRequest.Ipv4Prefixes': notSupported,
    'CreateNetworkInterfaceRequest.Ipv4PrefixCount': notSupported,
    'CreateNetworkInterfaceRequest.Ipv6Prefixes': notSupported,
    'CreateNetworkInterfaceRequest.Ipv6PrefixCount': notSupported,
    'CreateNetworkInterfaceRequest.Operator': notSupported,
    'PrivateIpAddressSpecification.PrivateIpAddress': ipAddress(4),
    'InstanceIpv6Address.Ipv6Address': ipAddress(6),
    // "Min: 60 seconds. Max: 432000 seconds", "Min: 60 seconds. Max: 180 seconds", "Min: 30 seconds. Max: 60 seconds"
    'ConnectionTrackingSpecificationRequest.TcpEstablishedTimeout': integerBetween(60, 432000),
    'ConnectionTrackingSpecificationRequest.UdpStreamTimeout': integerBetween(60, 180),
    'ConnectionTrackingSpecificationRequest.UdpTimeout': integerBetween(30, 60),
  },
  structures: {
    PrivateIpAddressSpecification: (spec, path) => {
      if (spec.PrivateIpAddress === undefined || spec.PrivateIpAddress === '') throw missingParameter(`${path}.PrivateIpAddress`);
    },
    InstanceIpv6Address: (address, path) => {
      if (address.Ipv6Address === undefined || address.Ipv6Address === '') throw missingParameter(`${path}.Ipv6Address`);
    },
    CreateNetworkInterfaceRequest: (input) => {
      if (input.Ipv6Addresses !== undefined && input.Ipv6AddressCount !== undefined) {
        throw invalidParameterCombination('IPv6 addresses and IPv6 address count may not be specified on the same request');
      }
      const listed = (input.PrivateIpAddresses ?? []) as PrivateIpAddressSpecification[];
      // "You can't specify this option and specify more than one private IP address using privateIpAddresses."
      if (input.SecondaryPrivateIpAddressCount !== undefined && listed.length > 1) {
        throw invalidParameterCombination('SecondaryPrivateIpAddressCount cannot be used with more than one address in PrivateIpAddresses');
      }
      // "only one IP address can be designated as primary"
      const primaries = new Set([input.PrivateIpAddress as string | undefined, primaryOf(listed)]);
      primaries.delete(undefined);
      if (primaries.size > 1 || listed.filter((spec) => spec.Primary).length > 1) {
        throw invalidParameterValue('Only one private IP address can be designated as primary.');
      }
    },
  },
};
