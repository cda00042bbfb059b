import type { DescribeNetworkInterfaceAttributeResult, ModifyNetworkInterfaceAttributeRequest, NetworkInterfaceAttribute } from '../../model/ec2-types.js';
import { invalidValueFor, missingParameter } from '../protocol/api-error.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { NetworkInterfaceRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { existing } from './lookups.js';
import { MAX_DESCRIPTION_LENGTH, securityGroupIds } from './network-interfaces.js';
import { withPrimaryIpv6 } from './network-interface-addresses.js';
import { interfaceGroups } from './security-groups.js';
import { subnetIpv6Block } from './subnets.js';
import { attributeBoolean, maxLength, notSupported, oneAttribute } from './rule-helpers.js';

/**
 * ModifyNetworkInterfaceAttribute: what Terraform's aws_network_interface changes in place
 * (description, source_dest_check, security_groups, enable_primary_ipv6) and the connection
 * tracking timeouts. An interface is never attached to an instance here, so attachments, public
 * addresses and ENA Express are refused as not supported.
 *
 * DescribeNetworkInterfaceAttribute answers one attribute of the `Attribute` enum, and
 * ResetNetworkInterfaceAttribute resets the one attribute EC2 lets it reset, SourceDestCheck, to
 * true: what appliance set-up scripts check and undo.
 */

/** The attributes mirrorlite changes, in the model's order. */
const ATTRIBUTES = ['EnablePrimaryIpv6', 'ConnectionTrackingSpecification', 'Description', 'SourceDestCheck', 'Groups'] as const satisfies readonly (keyof ModifyNetworkInterfaceAttributeRequest)[];

/**
 * "Once you enable an IPv6 GUA address to be a primary IPv6, you cannot disable it." Asking for it
 * again changes nothing; asking to disable it is refused (decided wording: EC2 documents no error).
 * An interface without IPv6 addresses may enable it in a subnet with an IPv6 block (its first
 * address will be the primary); in an IPv4-only subnet it is refused (decided too).
 */
function primaryIpv6(eni: NetworkInterfaceRecord, enable: boolean, partition: Partition): NetworkInterfaceRecord {
  if (!enable) {
    // An interface saved before the flag was kept shows it by its primary address.
    if (eni.primaryIpv6Enabled || eni.Ipv6Addresses?.some((a) => a.IsPrimaryIpv6)) throw invalidValueFor('EnablePrimaryIpv6', false, 'Once a primary IPv6 address is enabled, it cannot be disabled.');
    return eni;
  }
  if (!eni.Ipv6Addresses?.length && subnetIpv6Block(partition.subnets.get(eni.SubnetId)!) === undefined) {
    throw invalidValueFor('EnablePrimaryIpv6', true, `A primary IPv6 address needs a dual-stack or IPv6-only subnet: ${eni.SubnetId} has no IPv6 CIDR block.`);
  }
  return withPrimaryIpv6({ ...eni, primaryIpv6Enabled: true });
}

function changed(eni: NetworkInterfaceRecord, input: ModifyNetworkInterfaceAttributeRequest, partition: Partition): NetworkInterfaceRecord {
  switch (oneAttribute(input, ATTRIBUTES)) {
    case 'EnablePrimaryIpv6':
      return primaryIpv6(eni, input.EnablePrimaryIpv6!, partition);
    case 'ConnectionTrackingSpecification':
      return { ...eni, ConnectionTrackingConfiguration: { ...eni.ConnectionTrackingConfiguration, ...input.ConnectionTrackingSpecification } };
    case 'Description':
      return { ...eni, Description: input.Description!.Value ?? '' };
    case 'SourceDestCheck':
      return { ...eni, SourceDestCheck: attributeBoolean(input.SourceDestCheck!, 'SourceDestCheck') };
    case 'Groups':
      return { ...eni, Groups: interfaceGroups(partition, input.Groups, partition.vpcs.get(eni.VpcId)!, eni.SubnetId) };
  }
}

/** "You can specify only one attribute at a time." */
const modifyNetworkInterfaceAttribute: Handler<'ModifyNetworkInterfaceAttribute'> = (input, { partition }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  partition.networkInterfaces.put(changed(eni, input, partition));
  return {};
};

/**
 * "You can specify only one attribute at a time": the interface's ID and that attribute. The enum
 * makes a second one impossible; no attribute at all is MissingParameter (decided: EC2 documents no
 * error for it). An interface is never attached here, so `attachment` answers no Attachment, and
 * `associatePublicIpAddress` false: no public address is ever associated.
 */
function describedAttribute(eni: NetworkInterfaceRecord, attribute: NetworkInterfaceAttribute): DescribeNetworkInterfaceAttributeResult {
  const NetworkInterfaceId = eni.NetworkInterfaceId;
  switch (attribute) {
    case 'description':
      return { NetworkInterfaceId, Description: { Value: eni.Description ?? '' } };
    case 'groupSet':
      return { NetworkInterfaceId, Groups: eni.Groups ?? [] };
    case 'sourceDestCheck':
      return { NetworkInterfaceId, SourceDestCheck: { Value: eni.SourceDestCheck ?? true } };
    case 'attachment':
      return { NetworkInterfaceId, ...(eni.Attachment ? { Attachment: eni.Attachment } : {}) };
    case 'associatePublicIpAddress':
      return { NetworkInterfaceId, AssociatePublicIpAddress: false };
  }
}

const describeNetworkInterfaceAttribute: Handler<'DescribeNetworkInterfaceAttribute'> = (input, { partition }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  return describedAttribute(eni, input.Attribute!);
};

/**
 * "Resets a network interface attribute": SourceDestCheck, the only one the API has, "to true"; its
 * value is ignored, as EC2's model types it as a bare string. Without it there is nothing to reset:
 * MissingParameter (decided, as for Describe).
 */
const resetNetworkInterfaceAttribute: Handler<'ResetNetworkInterfaceAttribute'> = (input, { partition }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  if (eni.SourceDestCheck !== true) partition.networkInterfaces.put({ ...eni, SourceDestCheck: true });
  return {};
};

export const networkInterfaceAttributeHandlers: HandlerTable = {
  ModifyNetworkInterfaceAttribute: modifyNetworkInterfaceAttribute,
  DescribeNetworkInterfaceAttribute: describeNetworkInterfaceAttribute,
  ResetNetworkInterfaceAttribute: resetNetworkInterfaceAttribute,
};

export const networkInterfaceAttributeRules: ExtraRules = {
  members: {
    'ModifyNetworkInterfaceAttributeRequest.Groups': securityGroupIds,
    'AttributeValue.Value': maxLength(MAX_DESCRIPTION_LENGTH),
    'ModifyNetworkInterfaceAttributeRequest.EnaSrdSpecification': notSupported,
    'ModifyNetworkInterfaceAttributeRequest.AssociatePublicIpAddress': notSupported,
    'ModifyNetworkInterfaceAttributeRequest.AssociatedSubnetIds': notSupported,
    'ModifyNetworkInterfaceAttributeRequest.Attachment': notSupported,
  },
  structures: {
    ModifyNetworkInterfaceAttributeRequest: (input) => void oneAttribute(input, ATTRIBUTES),
    DescribeNetworkInterfaceAttributeRequest: (input) => {
      if (input.Attribute === undefined) throw missingParameter('Attribute');
    },
    ResetNetworkInterfaceAttributeRequest: (input) => {
      if (input.SourceDestCheck === undefined) throw missingParameter('SourceDestCheck');
    },
  },
};
