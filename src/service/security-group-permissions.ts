import type { IpPermission, SecurityGroupRule, SecurityGroupRuleRequest, Tag, TagSpecification } from '../../model/ec2-types.js';
import { missingParameter } from '../protocol/api-error.js';
import { parseCidr } from '../net/cidr.js';
import type { Partition } from '../state/partition.js';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from '../state/records.js';
import type { CallContext } from './call-context.js';
import {
  duplicatePermission,
  icmpCodeWithoutType,
  icmpOutOfRange,
  invalidCidr,
  invalidProtocol,
  invalidRuleDescription,
  malformedPrefixListId,
  noDefaultVpc,
  notFound,
  portOutOfRange,
  portRangeReversed,
  portsRequired,
  rulesPerSecurityGroupLimitExceeded,
  samePermissionTwice,
  securityGroupsInDifferentNetworks,
  sourceRequired,
} from './errors.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { tagsFromSpecifications } from './tagging.js';

/**
 * Security group rules. Like EC2 since 2021, every rule is a resource of its own (`sgr-…`): one
 * direction, one protocol, one port range and one peer (an IPv4 or IPv6 CIDR, a prefix list or a
 * group). A group's IpPermissions are assembled from its rules when it is described, one
 * permission per protocol and port range in the order the first rule of each was added.
 *
 * mirrorlite keeps no prefix lists and no VPC peering: a well-formed `pl-` ID is taken as an
 * existing prefix list, and a referenced group must be in the same VPC as the rule's group.
 *
 * Rules are kept and described, not enforced: the data plane does not evaluate security groups
 * (nor network ACLs). AWS does not mirror "packets that are dropped at the traffic mirror source by
 * security group rules or by network ACL rules"; mirrorlite takes the traffic it is given (a replayed
 * capture, packets posted to it) as traffic that reached the interface, so it mirrors by the
 * sessions' filters alone. A capture taken on an instance is exactly that.
 */

/** What a rule is, without its identity: the member set that makes two rules the same rule. */
export interface RuleSpec {
  IsEgress: boolean;
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupId?: string;
  Description?: string;
}

/** The IP protocols EC2 names; any other protocol number stays a number. */
const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };
const NAMED_PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6', '-1']);

/** "tcp, udp, icmp, icmpv6 or a protocol number … Use -1 to specify all protocols": names in lowercase, numbers of named protocols as their names. */
function canonicalProtocol(protocol: string | undefined): string {
  if (protocol === undefined || protocol === '') throw missingParameter('IpProtocol');
  const lower = protocol.toLowerCase();
  if (NAMED_PROTOCOLS.has(lower)) return lower;
  if (/^\d{1,3}$/.test(protocol) && Number(protocol) <= 255) return PROTOCOL_NAMES[String(Number(protocol))] ?? String(Number(protocol));
  throw invalidProtocol(protocol);
}

const MAX_PORT = 65535;
const MAX_ICMP_VALUE = 255;

/**
 * The port range a rule keeps. TCP and UDP need both ports, 0-65535, from ≤ to. For ICMP and ICMPv6
 * FromPort is the type and ToPort the code, each -1 (all) to 255, and "all types" means all codes.
 * Every other protocol covers all ports: EC2 ignores what is given and describes -1 and -1.
 */
function portRange(protocol: string, fromPort: number | undefined, toPort: number | undefined): { FromPort: number; ToPort: number } {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (fromPort === undefined || toPort === undefined) throw portsRequired();
    if (fromPort < 0 || fromPort > MAX_PORT) throw portOutOfRange('from', fromPort);
    if (toPort < 0 || toPort > MAX_PORT) throw portOutOfRange('to', toPort);
    if (fromPort > toPort) throw portRangeReversed(fromPort, toPort);
    return { FromPort: fromPort, ToPort: toPort };
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = fromPort ?? -1;
    const code = toPort ?? -1;
    if (type < -1 || type > MAX_ICMP_VALUE) throw icmpOutOfRange('type', type);
    if (code < -1 || code > MAX_ICMP_VALUE) throw icmpOutOfRange('code', code);
    if (type === -1 && code !== -1) throw icmpCodeWithoutType(code);
    return { FromPort: type, ToPort: code };
  }
  return { FromPort: -1, ToPort: -1 };
}

/** A CIDR block of the given family, kept as written: EC2 accepts one with host bits set. */
function cidrOf(value: string | undefined, family: 4 | 6): string {
  const cidr = value === undefined ? undefined : parseCidr(value);
  if (!cidr || cidr.family !== family) throw invalidCidr(value ?? '');
  return value!;
}

/**
 * The text EC2 allows in a VPC group's name and description and in a rule's description: "strings
 * less than 256 characters from the following set: a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*".
 */
export const isGroupText = (value: string) => /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/.test(value);

export function checkedRuleDescription(description: string | undefined): string | undefined {
  if (description !== undefined && !isGroupText(description)) throw invalidRuleDescription();
  return description;
}

/** The group a rule's peer names: in the caller's account and the rule's VPC. */
function referencedGroup(partition: Partition, group: SecurityGroupRecord, groupId: string | undefined, groupName: string | undefined, userId: string | undefined): string {
  if (groupId === undefined) {
    // A peer by name names a group of the default VPC, which a mirrorlite account does not have.
    if (groupName !== undefined) throw noDefaultVpc();
    throw sourceRequired();
  }
  const peer = existing(partition.securityGroups, 'security-group', groupId);
  if (userId !== undefined && userId !== peer.OwnerId) throw notFound('security-group', groupId);
  if (peer.VpcId !== group.VpcId) throw securityGroupsInDifferentNetworks();
  return peer.GroupId;
}

/** One rule per peer of each permission: EC2 expands a permission with several peers into several rules. */
export function rulesOfPermissions(partition: Partition, group: SecurityGroupRecord, IsEgress: boolean, permissions: readonly IpPermission[]): RuleSpec[] {
  const rules: RuleSpec[] = [];
  for (const permission of permissions) {
    const IpProtocol = canonicalProtocol(permission.IpProtocol);
    const ports = portRange(IpProtocol, permission.FromPort, permission.ToPort);
    const base = { IsEgress, IpProtocol, ...ports };
    const before = rules.length;
    for (const range of permission.IpRanges ?? []) {
      rules.push({ ...base, CidrIpv4: cidrOf(range.CidrIp, 4), Description: checkedRuleDescription(range.Description) });
    }
    for (const range of permission.Ipv6Ranges ?? []) {
      rules.push({ ...base, CidrIpv6: cidrOf(range.CidrIpv6, 6), Description: checkedRuleDescription(range.Description) });
    }
    for (const list of permission.PrefixListIds ?? []) {
      rules.push({ ...base, PrefixListId: prefixListId(list.PrefixListId), Description: checkedRuleDescription(list.Description) });
    }
    for (const pair of permission.UserIdGroupPairs ?? []) {
      const ReferencedGroupId = referencedGroup(partition, group, pair.GroupId, pair.GroupName, pair.UserId);
      rules.push({ ...base, ReferencedGroupId, Description: checkedRuleDescription(pair.Description) });
    }
    if (rules.length === before) throw sourceRequired();
  }
  return rules;
}

/** The rule a SecurityGroupRuleRequest describes (ModifySecurityGroupRules): exactly one peer. */
export function ruleOfRequest(partition: Partition, group: SecurityGroupRecord, IsEgress: boolean, request: SecurityGroupRuleRequest): RuleSpec {
  const IpProtocol = canonicalProtocol(request.IpProtocol);
  const peers = [request.CidrIpv4, request.CidrIpv6, request.PrefixListId, request.ReferencedGroupId].filter((peer) => peer !== undefined);
  if (peers.length !== 1) throw sourceRequired();
  return {
    IsEgress,
    IpProtocol,
    ...portRange(IpProtocol, request.FromPort, request.ToPort),
    ...(request.CidrIpv4 !== undefined ? { CidrIpv4: cidrOf(request.CidrIpv4, 4) } : {}),
    ...(request.CidrIpv6 !== undefined ? { CidrIpv6: cidrOf(request.CidrIpv6, 6) } : {}),
    ...(request.PrefixListId !== undefined ? { PrefixListId: prefixListId(request.PrefixListId) } : {}),
    ...(request.ReferencedGroupId !== undefined ? { ReferencedGroupId: referencedGroup(partition, group, request.ReferencedGroupId, undefined, undefined) } : {}),
    Description: checkedRuleDescription(request.Description),
  };
}

const PREFIX_LIST_ID = /^pl-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

function prefixListId(id: string | undefined): string {
  if (id === undefined || !PREFIX_LIST_ID.test(id)) throw malformedPrefixListId(id ?? '');
  return id;
}

/** Whether a rule's peer is an IPv4 or IPv6 block, a prefix list or a group. */
export function peerKind(rule: RuleSpec | SecurityGroupRuleRecord): 'ipv4' | 'ipv6' | 'prefix-list' | 'group' {
  if (rule.CidrIpv4 !== undefined) return 'ipv4';
  if (rule.CidrIpv6 !== undefined) return 'ipv6';
  return rule.PrefixListId !== undefined ? 'prefix-list' : 'group';
}

/** What makes two rules the same rule: everything but the description. */
export function ruleKey(rule: RuleSpec | SecurityGroupRuleRecord): string {
  const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? ('SecurityGroupRuleId' in rule ? rule.ReferencedGroupInfo?.GroupId : rule.ReferencedGroupId);
  return `${rule.IsEgress ? 'egress' : 'ingress'}|${rule.IpProtocol}|${rule.FromPort}|${rule.ToPort}|${peer}`;
}

export function rulesOfGroup(partition: Partition, groupId: string): SecurityGroupRuleRecord[] {
  return [...partition.securityGroupRules.pick(partition.securityGroupRulesByGroup.ids(groupId))].sort((a, b) => a.seq - b.seq);
}

/** Adds rules to a group, refusing a rule it already has and the quota's excess, and answers them as described. */
export function addRules(context: CallContext, group: SecurityGroupRecord, rules: readonly RuleSpec[], tagSpecifications?: readonly TagSpecification[]): SecurityGroupRuleRecord[] {
  const { partition, config } = context;
  const existingRules = rulesOfGroup(partition, group.GroupId);
  const requested = new Set<string>();
  for (const rule of rules) {
    const key = ruleKey(rule);
    if (requested.has(key)) throw samePermissionTwice();
    requested.add(key);
  }
  const held = new Set(existingRules.map(ruleKey));
  const duplicate = rules.find((rule) => held.has(ruleKey(rule)));
  if (duplicate) throw duplicatePermission(duplicate);
  refuseExcessRules([...existingRules, ...rules], config.quotas.rulesPerSecurityGroup);
  const tags: Tag[] = tagsFromSpecifications(tagSpecifications, 'security-group-rule', config.quotas.tagsPerResource);
  return rules.map((rule) => putNewRule(partition, group, rule, tags));
}

/** Stores a rule of `group` under a new ID, last in creation order; the checks are the caller's. */
export function putNewRule(partition: Partition, group: SecurityGroupRecord, rule: RuleSpec, tags: Tag[] = []): SecurityGroupRuleRecord {
  const id = newId('security-group-rule', (taken) => partition.securityGroupRules.has(taken));
  return partition.securityGroupRules.put(ruleRecord(rule, group, id, partition.region, tags, partition.nextSeq()));
}

export function ruleRecord(rule: RuleSpec, group: SecurityGroupRecord, SecurityGroupRuleId: string, region: string, Tags: Tag[], seq: number): SecurityGroupRuleRecord {
  const { ReferencedGroupId, Description, ...members } = rule;
  return {
    SecurityGroupRuleId,
    GroupId: group.GroupId,
    GroupOwnerId: group.OwnerId,
    ...members,
    ...(ReferencedGroupId !== undefined ? { ReferencedGroupInfo: { GroupId: ReferencedGroupId, UserId: group.OwnerId } } : {}),
    ...(Description !== undefined ? { Description } : {}),
    Tags,
    SecurityGroupRuleArn: `arn:aws:ec2:${region}:${group.OwnerId}:security-group-rule/${SecurityGroupRuleId}`,
    seq,
  };
}

/**
 * "Inbound or outbound rules per security group: 60", enforced separately for IPv4 and IPv6: a rule
 * whose peer is a prefix list or a group counts in both.
 */
function refuseExcessRules(rules: readonly (RuleSpec | SecurityGroupRuleRecord)[], limit: number): void {
  for (const egress of [false, true]) {
    const sameDirection = rules.filter((rule) => rule.IsEgress === egress);
    const ipv4 = sameDirection.filter((rule) => rule.CidrIpv6 === undefined).length;
    const ipv6 = sameDirection.filter((rule) => rule.CidrIpv4 === undefined).length;
    if (ipv4 > limit || ipv6 > limit) throw rulesPerSecurityGroupLimitExceeded();
  }
}

/** A rule as DescribeSecurityGroupRules and Authorize* show it. */
export function ruleView(rule: SecurityGroupRuleRecord): SecurityGroupRule {
  const { seq: _seq, ...members } = rule;
  return members;
}

/** A group's rules of one direction as IpPermissions: one per protocol and port range, peers gathered in rule order. */
export function permissionsOf(rules: readonly SecurityGroupRuleRecord[], egress: boolean): IpPermission[] {
  const byRange = new Map<string, Required<Pick<IpPermission, 'UserIdGroupPairs' | 'IpRanges' | 'Ipv6Ranges' | 'PrefixListIds'>> & IpPermission>();
  for (const rule of rules) {
    if (rule.IsEgress !== egress) continue;
    const key = `${rule.IpProtocol}|${rule.FromPort}|${rule.ToPort}`;
    let permission = byRange.get(key);
    if (!permission) {
      // EC2 leaves the ports out of a permission that covers all of them.
      const ports = NAMED_PROTOCOLS.has(rule.IpProtocol) && rule.IpProtocol !== '-1' ? { FromPort: rule.FromPort, ToPort: rule.ToPort } : {};
      permission = { IpProtocol: rule.IpProtocol, ...ports, UserIdGroupPairs: [], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] };
      byRange.set(key, permission);
    }
    const description = rule.Description !== undefined ? { Description: rule.Description } : {};
    if (rule.CidrIpv4 !== undefined) permission.IpRanges.push({ CidrIp: rule.CidrIpv4, ...description });
    else if (rule.CidrIpv6 !== undefined) permission.Ipv6Ranges.push({ CidrIpv6: rule.CidrIpv6, ...description });
    else if (rule.PrefixListId !== undefined) permission.PrefixListIds.push({ PrefixListId: rule.PrefixListId, ...description });
    else if (rule.ReferencedGroupInfo) permission.UserIdGroupPairs.push({ ...description, UserId: rule.ReferencedGroupInfo.UserId, GroupId: rule.ReferencedGroupInfo.GroupId });
  }
  return [...byRange.values()];
}
