import type { GroupIdentifier, SecurityGroup } from '../../model/ec2-types.js';
import { invalidValueFor } from '../protocol/api-error.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { SecurityGroupRecord, VpcRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { describe, describeQuery, type DescribeSource, type FilterTable } from './describe-engine.js';
import {
  cannotDeleteDefaultGroup,
  dependencyViolation,
  groupNotNamed,
  invalidGroupDescription,
  invalidGroupName,
  noDefaultVpc,
  noDefaultVpcForNewGroup,
  securityGroupDuplicate,
  securityGroupInOtherNetwork,
  securityGroupInUse,
  securityGroupLimitExceeded,
  securityGroupNameReserved,
} from './errors.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { isGroupText, permissionsOf, putNewRule, rulesOfGroup, type RuleSpec } from './security-group-permissions.js';
import { tagsFromSpecifications } from './tagging.js';

/**
 * Security groups of a VPC. Every VPC has a `default` group, created with it and deleted with it;
 * network interfaces created without Groups join it. A group's rules are records of their own
 * (security-group-permissions.ts, security-group-rules.ts).
 */

const DEFAULT_GROUP_NAME = 'default';


function groupRecord(partition: Partition, vpc: VpcRecord, GroupId: string, GroupName: string, Description: string, Tags: SecurityGroupRecord['Tags']): SecurityGroupRecord {
  const { account, region } = partition;
  return {
    GroupId,
    GroupName,
    Description,
    VpcId: vpc.VpcId,
    OwnerId: account,
    SecurityGroupArn: `arn:aws:ec2:${region}:${account}:security-group/${GroupId}`,
    Tags,
    seq: partition.nextSeq(),
  };
}

const allTraffic = { IpProtocol: '-1', FromPort: -1, ToPort: -1 } as const;

function putRules(partition: Partition, group: SecurityGroupRecord, rules: readonly RuleSpec[]): void {
  for (const rule of rules) putNewRule(partition, group, rule);
}

/**
 * The group a new VPC comes with: inbound from its own members, outbound to everywhere (and to ::/0
 * when the VPC has an IPv6 block). Its ID is the one the VPC record keeps.
 */
export function createDefaultSecurityGroup(partition: Partition, vpc: VpcRecord, withIpv6: boolean): void {
  const group = partition.securityGroups.put(groupRecord(partition, vpc, vpc.defaultSecurityGroupId, DEFAULT_GROUP_NAME, 'default VPC security group', []));
  putRules(partition, group, [
    { IsEgress: false, ...allTraffic, ReferencedGroupId: group.GroupId },
    { IsEgress: true, ...allTraffic, CidrIpv4: '0.0.0.0/0' },
    ...(withIpv6 ? [{ IsEgress: true, ...allTraffic, CidrIpv6: '::/0' }] : []),
  ]);
}

function deleteGroupAndRules(partition: Partition, groupId: string): void {
  for (const ruleId of [...partition.securityGroupRulesByGroup.ids(groupId)]) partition.securityGroupRules.delete(ruleId);
  partition.securityGroups.delete(groupId);
}

/** DeleteVpc: refused while the VPC has groups of its own; the default group goes with it. */
export function deleteSecurityGroupsOfVpc(partition: Partition, vpc: VpcRecord): void {
  for (const group of partition.securityGroups.pick(partition.securityGroupsByVpc.ids(vpc.VpcId))) {
    if (group.GroupId !== vpc.defaultSecurityGroupId) throw dependencyViolation('vpc', vpc.VpcId);
  }
  deleteGroupAndRules(partition, vpc.defaultSecurityGroupId);
}

/** A group as the API shows it, with its permissions gathered from its rules. */
function groupView(partition: Partition, group: SecurityGroupRecord): SecurityGroup {
  const { seq: _seq, ...members } = group;
  const rules = rulesOfGroup(partition, group.GroupId);
  return { ...members, IpPermissions: permissionsOf(rules, false), IpPermissionsEgress: permissionsOf(rules, true) };
}

/**
 * A network interface's groups (CreateNetworkInterface, ModifyNetworkInterfaceAttribute): groups of
 * the interface's VPC; without any, the VPC's default group.
 */
export function interfaceGroups(partition: Partition, groupIds: readonly string[] | undefined, vpc: VpcRecord, subnetId: string): GroupIdentifier[] {
  const ids = [...new Set(groupIds ?? [])];
  if (ids.length === 0) ids.push(vpc.defaultSecurityGroupId);
  return ids.map((id) => {
    const group = existing(partition.securityGroups, 'security-group', id);
    if (group.VpcId !== vpc.VpcId) throw securityGroupInOtherNetwork(id, subnetId);
    return { GroupId: group.GroupId, GroupName: group.GroupName };
  });
}

function usedByAnInterface(partition: Partition, group: SecurityGroupRecord): boolean {
  for (const subnetId of partition.subnetsByVpc.ids(group.VpcId)) {
    for (const eni of partition.networkInterfaces.pick(partition.networkInterfacesBySubnet.ids(subnetId))) {
      if (eni.Groups?.some((member) => member.GroupId === group.GroupId)) return true;
    }
  }
  return false;
}

const createSecurityGroup: Handler<'CreateSecurityGroup'> = (input, context) => {
  const { partition, config } = context;
  // Without VpcId the group would be the default VPC's, which a mirrorlite account does not have.
  if (input.VpcId === undefined) throw noDefaultVpcForNewGroup();
  const vpc = existing(partition.vpcs, 'vpc', input.VpcId);
  if (input.GroupName === DEFAULT_GROUP_NAME) throw securityGroupNameReserved(input.GroupName);
  if (partition.securityGroupsByVpcAndName.has(`${vpc.VpcId}#${input.GroupName}`)) throw securityGroupDuplicate(input.GroupName, vpc.VpcId);
  if (partition.securityGroups.size - partition.vpcs.size >= config.quotas.securityGroupsPerRegion) throw securityGroupLimitExceeded(vpc.VpcId);
  const GroupId = newId('security-group', (id) => partition.securityGroups.has(id));
  const Tags = tagsFromSpecifications(input.TagSpecifications, 'security-group', config.quotas.tagsPerResource);
  const group = partition.securityGroups.put(groupRecord(partition, vpc, GroupId, input.GroupName, input.Description, Tags));
  // "By default, a new security group starts with only an outbound rule that allows all traffic to leave the resource."
  putRules(partition, group, [{ IsEgress: true, ...allTraffic, CidrIpv4: '0.0.0.0/0' }]);
  return { GroupId, SecurityGroupArn: group.SecurityGroupArn, ...(Tags.length ? { Tags } : {}) };
};

/** The group a call names: by ID, or by name, which only the default VPC's groups answer to. */
export function namedGroup(partition: Partition, input: { GroupId?: string; GroupName?: string }): SecurityGroupRecord {
  if (input.GroupId !== undefined) return existing(partition.securityGroups, 'security-group', input.GroupId);
  if (input.GroupName !== undefined) throw noDefaultVpc();
  throw groupNotNamed();
}

const deleteSecurityGroup: Handler<'DeleteSecurityGroup'> = (input, { partition }) => {
  const group = namedGroup(partition, input);
  if (group.GroupName === DEFAULT_GROUP_NAME) throw cannotDeleteDefaultGroup(group.GroupId);
  if (usedByAnInterface(partition, group)) throw securityGroupInUse(group.GroupId);
  for (const rule of partition.securityGroupRules.pick(partition.securityGroupRulesByReferencedGroup.ids(group.GroupId))) {
    if (rule.GroupId !== group.GroupId) throw securityGroupInUse(group.GroupId);
  }
  deleteGroupAndRules(partition, group.GroupId);
  return { Return: true, GroupId: group.GroupId };
};

const inbound = (g: SecurityGroup) => g.IpPermissions ?? [];
const outbound = (g: SecurityGroup) => g.IpPermissionsEgress ?? [];
type Permissions = (g: SecurityGroup) => NonNullable<SecurityGroup['IpPermissions']>;

/** The `ip-permission.*` filters, over inbound or outbound rules. */
function permissionFilters(prefix: string, rules: Permissions): FilterTable<SecurityGroup> {
  return {
    [`${prefix}.cidr`]: (g) => rules(g).flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp)),
    [`${prefix}.from-port`]: (g) => rules(g).map((p) => p.FromPort),
    [`${prefix}.group-id`]: (g) => rules(g).flatMap((p) => (p.UserIdGroupPairs ?? []).map((pair) => pair.GroupId)),
    [`${prefix}.group-name`]: (g) => rules(g).flatMap((p) => (p.UserIdGroupPairs ?? []).map((pair) => pair.GroupName)),
    [`${prefix}.ipv6-cidr`]: (g) => rules(g).flatMap((p) => (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)),
    [`${prefix}.prefix-list-id`]: (g) => rules(g).flatMap((p) => (p.PrefixListIds ?? []).map((l) => l.PrefixListId)),
    [`${prefix}.protocol`]: (g) => rules(g).map((p) => p.IpProtocol),
    [`${prefix}.to-port`]: (g) => rules(g).map((p) => p.ToPort),
    [`${prefix}.user-id`]: (g) => rules(g).flatMap((p) => (p.UserIdGroupPairs ?? []).map((pair) => pair.UserId)),
  };
}

/** The Describe filters, by name. */
export const SECURITY_GROUP_FILTERS: FilterTable<SecurityGroup> = {
  description: (g) => g.Description,
  ...permissionFilters('egress.ip-permission', outbound),
  'group-id': (g) => g.GroupId,
  'group-name': (g) => g.GroupName,
  ...permissionFilters('ip-permission', inbound),
  'owner-id': (g) => g.OwnerId,
  'vpc-id': (g) => g.VpcId,
};

const describeSecurityGroups: Handler<'DescribeSecurityGroups'> = (input, context) => {
  const { partition } = context;
  if (input.GroupNames?.length) throw noDefaultVpc();
  const groups = partition.securityGroups;
  // Filters see the permissions, so each group is viewed before it is filtered.
  const source: DescribeSource<SecurityGroup> = {
    kind: 'security-group',
    all: function* () {
      for (const group of groups.values()) yield groupView(partition, group);
    },
    idOf: (group) => group.GroupId!,
    has: (id) => groups.has(id),
    filters: SECURITY_GROUP_FILTERS,
    tagsOf: (group) => group.Tags,
  };
  const page = describe(context, source, describeQuery(input, 'GroupIds'));
  return { SecurityGroups: page.items, NextToken: page.nextToken };
};

export const securityGroupHandlers: HandlerTable = {
  CreateSecurityGroup: createSecurityGroup,
  DeleteSecurityGroup: deleteSecurityGroup,
  DescribeSecurityGroups: describeSecurityGroups,
};

export const securityGroupRules: ExtraRules = {
  members: {
    'CreateSecurityGroupRequest.GroupName': (value, path) => {
      if ((value as string).startsWith('sg-')) throw invalidValueFor(path, value, 'Group names may not be in the format sg-*.');
      if (value === '' || !isGroupText(value as string)) throw invalidGroupName();
    },
    'CreateSecurityGroupRequest.Description': (value) => {
      if (!isGroupText(value as string)) throw invalidGroupDescription();
    },
  },
};
