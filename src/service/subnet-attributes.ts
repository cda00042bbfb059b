import type { ModifySubnetAttributeRequest } from '../../model/ec2-types.js';
import type { ExtraRules, MemberRule } from '../protocol/input-validator.js';
import type { SubnetRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { existing } from './lookups.js';
import { attributeBoolean, notSupported, oneAttribute } from './rule-helpers.js';

/**
 * ModifySubnetAttribute: what Terraform's aws_subnet sets after CreateSubnet (map_public_ip_on_launch,
 * assign_ipv6_address_on_creation, enable_dns64, the private DNS name options). Each attribute is a
 * member of the subnet as DescribeSubnets shows it, so a change is a new record and nothing else.
 * The Outposts attributes are refused as on CreateSubnet.
 */

/** The attributes mirrorlite changes, in the model's order; MapCustomerOwnedIpOnLaunch only ever to false (see the rules). */
const ATTRIBUTES = [
  'AssignIpv6AddressOnCreation',
  'MapPublicIpOnLaunch',
  'MapCustomerOwnedIpOnLaunch',
  'EnableDns64',
  'PrivateDnsHostnameTypeOnLaunch',
  'EnableResourceNameDnsARecordOnLaunch',
  'EnableResourceNameDnsAAAARecordOnLaunch',
] as const satisfies readonly (keyof ModifySubnetAttributeRequest)[];

function changed(subnet: SubnetRecord, input: ModifySubnetAttributeRequest): SubnetRecord {
  const member = oneAttribute(input, ATTRIBUTES);
  if (member === 'PrivateDnsHostnameTypeOnLaunch') {
    return { ...subnet, PrivateDnsNameOptionsOnLaunch: { ...subnet.PrivateDnsNameOptionsOnLaunch, HostnameType: input.PrivateDnsHostnameTypeOnLaunch! } };
  }
  const value = attributeBoolean(input[member]!, member);
  switch (member) {
    case 'EnableResourceNameDnsARecordOnLaunch':
      return { ...subnet, PrivateDnsNameOptionsOnLaunch: { ...subnet.PrivateDnsNameOptionsOnLaunch, EnableResourceNameDnsARecord: value } };
    case 'EnableResourceNameDnsAAAARecordOnLaunch':
      return { ...subnet, PrivateDnsNameOptionsOnLaunch: { ...subnet.PrivateDnsNameOptionsOnLaunch, EnableResourceNameDnsAAAARecord: value } };
    default:
      return { ...subnet, [member]: value };
  }
}

/** "You can only modify one attribute at a time." */
const modifySubnetAttribute: Handler<'ModifySubnetAttribute'> = (input, { partition }) => {
  const subnet = existing(partition.subnets, 'subnet', input.SubnetId);
  partition.subnets.put(changed(subnet, input));
  return {};
};

export const subnetAttributeHandlers: HandlerTable = {
  ModifySubnetAttribute: modifySubnetAttribute,
};

/** mirrorlite has no Outposts: a customer-owned pool or a local network interface index is refused; turning one off is accepted. */
const outpostsOnly: MemberRule = (value, path, input) => notSupported((value as { Value?: unknown }).Value ?? value, path, input);

export const subnetAttributeRules: ExtraRules = {
  members: {
    'ModifySubnetAttributeRequest.MapCustomerOwnedIpOnLaunch': outpostsOnly,
    'ModifySubnetAttributeRequest.CustomerOwnedIpv4Pool': notSupported,
    'ModifySubnetAttributeRequest.EnableLniAtDeviceIndex': notSupported,
    'ModifySubnetAttributeRequest.DisableLniAtDeviceIndex': outpostsOnly,
  },
  structures: {
    ModifySubnetAttributeRequest: (input) => void oneAttribute(input, ATTRIBUTES),
  },
};
