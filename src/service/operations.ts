import type { OperationName } from '../../model/ec2-types.js';
import type { HandlerTable } from './call-context.js';
import { networkInterfaceHandlers } from './network-interfaces.js';
import { subnetHandlers } from './subnets.js';
import { tagHandlers } from './tags.js';
import { trafficMirrorFilterRuleHandlers } from './traffic-mirror-filter-rules.js';
import { trafficMirrorFilterHandlers } from './traffic-mirror-filters.js';
import { trafficMirrorSessionHandlers } from './traffic-mirror-sessions.js';
import { trafficMirrorTargetHandlers } from './traffic-mirror-targets.js';
import { vpcHandlers } from './vpcs.js';

/** Every operation mirrorlite serves, by name: one module per resource family. */
export const handlers: HandlerTable = {
  ...vpcHandlers,
  ...subnetHandlers,
  ...networkInterfaceHandlers,
  ...trafficMirrorTargetHandlers,
  ...trafficMirrorFilterHandlers,
  ...trafficMirrorFilterRuleHandlers,
  ...trafficMirrorSessionHandlers,
  ...tagHandlers,
};

/** Operations that only read: EC2 names every one of them Describe*, and no Describe writes. */
export const readOnlyOperations: ReadonlySet<string> = new Set(Object.keys(handlers).filter((name) => name.startsWith('Describe')));

/** Operations of the model that answer "not supported by mirrorlite" for now. */
export const notImplemented: readonly OperationName[] = [
  'CreateNetworkInterface',
  'CreateSubnet',
  'CreateTags',
  'CreateTrafficMirrorFilter',
  'CreateTrafficMirrorFilterRule',
  'CreateTrafficMirrorSession',
  'CreateTrafficMirrorTarget',
  'CreateVpc',
  'DeleteNetworkInterface',
  'DeleteSubnet',
  'DeleteTags',
  'DeleteTrafficMirrorFilter',
  'DeleteTrafficMirrorFilterRule',
  'DeleteTrafficMirrorSession',
  'DeleteTrafficMirrorTarget',
  'DeleteVpc',
  'DescribeNetworkInterfaces',
  'DescribeSubnets',
  'DescribeTags',
  'DescribeTrafficMirrorFilterRules',
  'DescribeTrafficMirrorFilters',
  'DescribeTrafficMirrorTargets',
  'DescribeVpcs',
  'ModifyTrafficMirrorFilterNetworkServices',
  'ModifyTrafficMirrorFilterRule',
  'ModifyTrafficMirrorSession',
].filter((name) => !(name in handlers)) as OperationName[];
