import type { OperationName } from '../../model/ec2-types.js';
import { cidrAssociationHandlers } from './cidr-associations.js';
import { AVAILABILITY_ZONE_FILTERS, availabilityZoneHandlers } from './availability-zones.js';
import type { HandlerTable } from './call-context.js';
import { networkInterfaceAddressHandlers } from './network-interface-addresses.js';
import { networkInterfaceAttributeHandlers } from './network-interface-attributes.js';
import { NETWORK_INTERFACE_FILTERS, networkInterfaceHandlers } from './network-interfaces.js';
import { subnetAttributeHandlers } from './subnet-attributes.js';
import { SUBNET_FILTERS, subnetHandlers } from './subnets.js';
import { TAG_FILTERS, tagHandlers } from './tags.js';
import { TRAFFIC_MIRROR_FILTER_RULE_FILTERS, trafficMirrorFilterRuleHandlers } from './traffic-mirror-filter-rules.js';
import { TRAFFIC_MIRROR_FILTER_FILTERS, trafficMirrorFilterHandlers } from './traffic-mirror-filters.js';
import { TRAFFIC_MIRROR_SESSION_FILTERS, trafficMirrorSessionHandlers } from './traffic-mirror-sessions.js';
import { TRAFFIC_MIRROR_TARGET_FILTERS, trafficMirrorTargetHandlers } from './traffic-mirror-targets.js';
import { vpcAttributeHandlers } from './vpc-attributes.js';
import { SECURITY_GROUP_RULE_FILTERS, securityGroupRuleHandlers } from './security-group-rules.js';
import { SECURITY_GROUP_FILTERS, securityGroupHandlers } from './security-groups.js';
import { NETWORK_ACL_FILTERS, ROUTE_TABLE_FILTERS, vpcDefaultHandlers } from './vpc-defaults.js';
import { VPC_FILTERS, vpcHandlers } from './vpcs.js';

/** Every operation mirrorlite serves, by name: one module per resource family. */
export const handlers: HandlerTable = {
  ...vpcHandlers,
  ...vpcAttributeHandlers,
  ...cidrAssociationHandlers,
  ...vpcDefaultHandlers,
  ...securityGroupHandlers,
  ...securityGroupRuleHandlers,
  ...subnetHandlers,
  ...subnetAttributeHandlers,
  ...availabilityZoneHandlers,
  ...networkInterfaceHandlers,
  ...networkInterfaceAttributeHandlers,
  ...networkInterfaceAddressHandlers,
  ...trafficMirrorTargetHandlers,
  ...trafficMirrorFilterHandlers,
  ...trafficMirrorFilterRuleHandlers,
  ...trafficMirrorSessionHandlers,
  ...tagHandlers,
};

/** The filter names each Describe accepts, besides `tag:<key>` and `tag-key`, which all accept. */
export const describeFilterNames: Readonly<Record<string, readonly string[]>> = {
  DescribeVpcs: Object.keys(VPC_FILTERS),
  DescribeRouteTables: Object.keys(ROUTE_TABLE_FILTERS),
  DescribeNetworkAcls: Object.keys(NETWORK_ACL_FILTERS),
  DescribeSecurityGroups: Object.keys(SECURITY_GROUP_FILTERS),
  DescribeSecurityGroupRules: Object.keys(SECURITY_GROUP_RULE_FILTERS),
  DescribeSubnets: Object.keys(SUBNET_FILTERS),
  DescribeAvailabilityZones: Object.keys(AVAILABILITY_ZONE_FILTERS),
  DescribeNetworkInterfaces: Object.keys(NETWORK_INTERFACE_FILTERS),
  DescribeTrafficMirrorFilters: Object.keys(TRAFFIC_MIRROR_FILTER_FILTERS),
  DescribeTrafficMirrorFilterRules: Object.keys(TRAFFIC_MIRROR_FILTER_RULE_FILTERS),
  DescribeTrafficMirrorSessions: Object.keys(TRAFFIC_MIRROR_SESSION_FILTERS),
  DescribeTrafficMirrorTargets: Object.keys(TRAFFIC_MIRROR_TARGET_FILTERS),
  DescribeTags: Object.keys(TAG_FILTERS),
};

/** Operations that only read: EC2 names every one of them Describe*, and no Describe writes. */
export const readOnlyOperations: ReadonlySet<string> = new Set(Object.keys(handlers).filter((name) => name.startsWith('Describe')));

/**
 * Operations of the model that answer "not supported by mirrorlite" until they have a handler. The
 * dispatch table refuses to start when an operation is in neither list; today every one is served.
 */
export const notImplemented: readonly OperationName[] = [];
