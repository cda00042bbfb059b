import type { VpcAttributeName } from '../../model/ec2-types.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { VpcRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { existing } from './lookups.js';
import { attributeBoolean, oneAttribute } from './rule-helpers.js';

/**
 * DescribeVpcAttribute and ModifyVpcAttribute: the three boolean attributes of a VPC that Terraform's
 * aws_vpc reads on every refresh and sets when `enable_dns_hostnames` and friends are given.
 */

type AttributeMember = 'EnableDnsHostnames' | 'EnableDnsSupport' | 'EnableNetworkAddressUsageMetrics';

/**
 * Each attribute, by its name (which is also the record field that keeps it once set): its
 * input/output member and EC2's default for a new non-default VPC.
 */
const ATTRIBUTES: Record<VpcAttributeName, { member: AttributeMember; initially: boolean }> = {
  enableDnsHostnames: { member: 'EnableDnsHostnames', initially: false },
  enableDnsSupport: { member: 'EnableDnsSupport', initially: true },
  enableNetworkAddressUsageMetrics: { member: 'EnableNetworkAddressUsageMetrics', initially: false },
};
const NAMES = Object.keys(ATTRIBUTES) as VpcAttributeName[];
const MEMBERS = NAMES.map((name) => ATTRIBUTES[name].member);

function vpcAttribute(vpc: VpcRecord, name: VpcAttributeName): boolean {
  return vpc[name] ?? ATTRIBUTES[name].initially;
}

const describeVpcAttribute: Handler<'DescribeVpcAttribute'> = (input, { partition }) => {
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  return { VpcId: vpc.VpcId, [ATTRIBUTES[input.Attribute].member]: { Value: vpcAttribute(vpc, input.Attribute) } };
};

/** "You can only modify one attribute at a time." */
const modifyVpcAttribute: Handler<'ModifyVpcAttribute'> = (input, { partition }) => {
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  const member = oneAttribute(input, MEMBERS);
  const name = NAMES.find((candidate) => ATTRIBUTES[candidate].member === member)!;
  partition.vpcs.put({ ...vpc, [name]: attributeBoolean(input[member]!, member) });
  return {};
};

export const vpcAttributeHandlers: HandlerTable = {
  DescribeVpcAttribute: describeVpcAttribute,
  ModifyVpcAttribute: modifyVpcAttribute,
};

export const vpcAttributeRules: ExtraRules = {
  structures: {
    ModifyVpcAttributeRequest: (input) => void oneAttribute(input, MEMBERS),
  },
};
