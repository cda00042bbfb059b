import type { VpcAttributeName } from '../../model/ec2-types.js';
import { missingParameter } from '../protocol/api-error.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { VpcRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { existing } from './lookups.js';
import { oneAttribute } from './rule-helpers.js';

/**
 * DescribeVpcAttribute and ModifyVpcAttribute: the three boolean attributes of a VPC that Terraform's
 * aws_vpc reads on every refresh and sets when `enable_dns_hostnames` and friends are given.
 */

type AttributeMember = 'EnableDnsHostnames' | 'EnableDnsSupport' | 'EnableNetworkAddressUsageMetrics';
type RecordField = 'enableDnsHostnames' | 'enableDnsSupport' | 'enableNetworkAddressUsageMetrics';

/** Each attribute: its output/input member, where the record keeps it, and EC2's default for a new non-default VPC. */
const ATTRIBUTES: Record<VpcAttributeName, { member: AttributeMember; field: RecordField; initially: boolean }> = {
  enableDnsHostnames: { member: 'EnableDnsHostnames', field: 'enableDnsHostnames', initially: false },
  enableDnsSupport: { member: 'EnableDnsSupport', field: 'enableDnsSupport', initially: true },
  enableNetworkAddressUsageMetrics: { member: 'EnableNetworkAddressUsageMetrics', field: 'enableNetworkAddressUsageMetrics', initially: false },
};

export function vpcAttribute(vpc: VpcRecord, name: VpcAttributeName): boolean {
  const { field, initially } = ATTRIBUTES[name];
  return vpc[field] ?? initially;
}

const describeVpcAttribute: Handler<'DescribeVpcAttribute'> = (input, { partition }) => {
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  return { VpcId: vpc.VpcId, [ATTRIBUTES[input.Attribute].member]: { Value: vpcAttribute(vpc, input.Attribute) } };
};

const ATTRIBUTE_MEMBERS = Object.values(ATTRIBUTES).map((attribute) => attribute.member);

/** "You can only modify one attribute at a time." */
const modifyVpcAttribute: Handler<'ModifyVpcAttribute'> = (input, { partition }) => {
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  const member = oneAttribute(input, ATTRIBUTE_MEMBERS);
  const { field } = Object.values(ATTRIBUTES).find((attribute) => attribute.member === member)!;
  const value = input[member]!.Value;
  if (value === undefined) throw missingParameter(`${member}.Value`);
  partition.vpcs.put({ ...vpc, [field]: value });
  return {};
};

export const vpcAttributeHandlers: HandlerTable = {
  DescribeVpcAttribute: describeVpcAttribute,
  ModifyVpcAttribute: modifyVpcAttribute,
};

export const vpcAttributeRules: ExtraRules = {
  structures: {
    ModifyVpcAttributeRequest: (input) => void oneAttribute(input, ATTRIBUTE_MEMBERS),
  },
};
