import type { ModifyNetworkInterfaceAttributeRequest } from '../../model/ec2-types.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { NetworkInterfaceRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { existing } from './lookups.js';
import { MAX_DESCRIPTION_LENGTH, securityGroupIds } from './network-interfaces.js';
import { interfaceGroups } from './security-groups.js';
import { attributeBoolean, maxLength, notSupported, oneAttribute } from './rule-helpers.js';

/**
 * ModifyNetworkInterfaceAttribute: what Terraform's aws_network_interface changes in place
 * (description, source_dest_check, security_groups) and the connection tracking timeouts. An
 * interface is never attached to an instance here, so attachments, public addresses, ENA Express
 * and primary IPv6 changes are refused as not supported.
 */

/** The attributes mirrorlite changes, in the model's order. */
const ATTRIBUTES = ['ConnectionTrackingSpecification', 'Description', 'SourceDestCheck', 'Groups'] as const satisfies readonly (keyof ModifyNetworkInterfaceAttributeRequest)[];

function changed(eni: NetworkInterfaceRecord, input: ModifyNetworkInterfaceAttributeRequest, partition: Partition): NetworkInterfaceRecord {
  switch (oneAttribute(input, ATTRIBUTES)) {
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

export const networkInterfaceAttributeHandlers: HandlerTable = {
  ModifyNetworkInterfaceAttribute: modifyNetworkInterfaceAttribute,
};

export const networkInterfaceAttributeRules: ExtraRules = {
  members: {
    'ModifyNetworkInterfaceAttributeRequest.Groups': securityGroupIds,
    'AttributeValue.Value': maxLength(MAX_DESCRIPTION_LENGTH),
    'ModifyNetworkInterfaceAttributeRequest.EnaSrdSpecification': notSupported,
    'ModifyNetworkInterfaceAttributeRequest.EnablePrimaryIpv6': notSupported,
    'ModifyNetworkInterfaceAttributeRequest.AssociatePublicIpAddress': notSupported,
    'ModifyNetworkInterfaceAttributeRequest.AssociatedSubnetIds': notSupported,
    'ModifyNetworkInterfaceAttributeRequest.Attachment': notSupported,
  },
  structures: {
    ModifyNetworkInterfaceAttributeRequest: (input) => void oneAttribute(input, ATTRIBUTES),
  },
};
