import type { OperationName } from '../../model/ec2-types.js';
import type { HandlerTable } from './call-context.js';
import { describeTrafficMirrorSessions } from './traffic-mirror-sessions.js';

/** Every operation mirrorlite serves, by name. */
export const handlers: HandlerTable = {
  DescribeTrafficMirrorSessions: describeTrafficMirrorSessions,
};

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
];
