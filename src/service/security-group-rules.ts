import type {
  AuthorizeSecurityGroupIngressRequest,
  IpPermission,
  Operations,
  RevokedSecurityGroupRule,
  SecurityGroupRuleDescription,
} from '../../model/ec2-types.js';
import { missingParameter } from '../protocol/api-error.js';
import type { Partition } from '../state/partition.js';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from '../state/records.js';
import type { CallContext, Handler, HandlerTable } from './call-context.js';
import { describe, describeQuery, tableSource, type FilterTable } from './describe-engine.js';
import { duplicatePermission, invalidParameterCombination, noDefaultVpc, notFound, permissionNotFound, ruleKindChanged } from './errors.js';
import { existing } from './lookups.js';
import {
  addRules,
  checkedRuleDescription,
  peerKind,
  ruleKey,
  ruleOfRequest,
  ruleRecord,
  rulesOfGroup,
  rulesOfPermissions,
  ruleView,
  type RuleSpec,
} from './security-group-permissions.js';
import { namedGroup } from './security-groups.js';

/**
 * Authorize, Revoke, Modify and Describe of security group rules, and their descriptions. Ingress
 * and egress share every handler: `egress` is the only difference EC2 makes between them, besides
 * the top-level shorthand parameters (below).
 */

/** The members the Ingress and Egress requests share (Egress also has them, each "not supported"). */
type Shorthand = Pick<AuthorizeSecurityGroupIngressRequest, 'CidrIp' | 'IpProtocol' | 'FromPort' | 'ToPort' | 'SourceSecurityGroupName' | 'SourceSecurityGroupOwnerId'> & {
  IpPermissions?: IpPermission[];
};

const SHORTHAND = ['CidrIp', 'IpProtocol', 'FromPort', 'ToPort', 'SourceSecurityGroupName', 'SourceSecurityGroupOwnerId'] as const;

/**
 * The permissions a call names: IpPermissions, or for ingress the older one-rule shorthand
 * (IpProtocol, FromPort, ToPort and CidrIp). The egress calls document the shorthand as "not
 * supported. Use a set of IP permissions instead", so they refuse it.
 */
function requestedPermissions(input: Shorthand, egress: boolean): IpPermission[] {
  const shorthand = SHORTHAND.filter((member) => input[member] !== undefined);
  if (shorthand.length === 0) {
    if (!input.IpPermissions?.length) throw missingParameter('IpPermissions');
    return input.IpPermissions;
  }
  // Egress documents each of them as "Not supported. Use IP permissions instead."
  if (egress && !input.IpPermissions?.length) throw missingParameter('ipPermissions');
  if (input.IpPermissions?.length) throw invalidParameterCombination(`The parameter ${shorthand[0]} cannot be used with the parameter IpPermissions`);
  // A peer by name names a group of the default VPC, which a mirrorlite account does not have.
  if (input.SourceSecurityGroupName !== undefined || input.SourceSecurityGroupOwnerId !== undefined) throw noDefaultVpc();
  return [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: input.CidrIp !== undefined ? [{ CidrIp: input.CidrIp }] : [] }];
}

/** Each handler serves both directions: its input is either operation's. */
type InputOf<Ingress extends keyof Operations, Egress extends keyof Operations> = Operations[Ingress]['input'] | Operations[Egress]['input'];

const authorize =
  (egress: boolean) =>
  (input: InputOf<'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress'>, context: CallContext) => {
    const group = namedGroup(context.partition, input);
    const rules = rulesOfPermissions(context.partition, group, egress, requestedPermissions(input, egress));
    const added = addRules(context, group, rules, input.TagSpecifications);
    return { Return: true, SecurityGroupRules: added.map(ruleView) };
  };

/** A group's rule of one direction by ID, or the rule ID's NotFound. */
function ruleOfGroup(partition: Partition, group: SecurityGroupRecord, egress: boolean, ruleId: string): SecurityGroupRuleRecord {
  const rule = existing(partition.securityGroupRules, 'security-group-rule', ruleId);
  if (rule.GroupId !== group.GroupId || rule.IsEgress !== egress) throw notFound('security-group-rule', ruleId);
  return rule;
}

/** The existing rules that these specifications name, every one of them, or InvalidPermission.NotFound. */
function matchingRules(partition: Partition, group: SecurityGroupRecord, specs: readonly RuleSpec[]): SecurityGroupRuleRecord[] {
  const byKey = new Map(rulesOfGroup(partition, group.GroupId).map((rule) => [ruleKey(rule), rule]));
  return specs.map((spec) => {
    const rule = byKey.get(ruleKey(spec));
    if (!rule) throw permissionNotFound();
    return rule;
  });
}

function revokedView(rule: SecurityGroupRuleRecord): RevokedSecurityGroupRule {
  const { SecurityGroupRuleId, GroupId, IsEgress, IpProtocol, FromPort, ToPort, CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupInfo, Description } = rule;
  return { SecurityGroupRuleId, GroupId, IsEgress, IpProtocol, FromPort, ToPort, CidrIpv4, CidrIpv6, PrefixListId, ReferencedGroupId: ReferencedGroupInfo?.GroupId, Description };
}

/**
 * Revokes rules by ID or by permission. For a VPC's group EC2 refuses a permission that matches no
 * rule (InvalidPermission.NotFound) and revokes nothing; the UnknownIpPermissions answer is for
 * default VPCs, which mirrorlite accounts do not have.
 */
const revoke =
  (egress: boolean) =>
  (input: InputOf<'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress'>, { partition }: CallContext) => {
    const group = namedGroup(partition, input);
    let rules: SecurityGroupRuleRecord[];
    if (input.SecurityGroupRuleIds?.length) {
      if (input.IpPermissions?.length || SHORTHAND.some((member) => input[member] !== undefined)) {
        throw invalidParameterCombination('The parameter SecurityGroupRuleIds cannot be used with the parameter IpPermissions');
      }
      rules = [...new Set(input.SecurityGroupRuleIds)].map((id) => ruleOfGroup(partition, group, egress, id));
    } else {
      rules = matchingRules(partition, group, rulesOfPermissions(partition, group, egress, requestedPermissions(input, egress)));
    }
    const revoked = [...new Set(rules)];
    for (const rule of revoked) partition.securityGroupRules.delete(rule.SecurityGroupRuleId);
    return { Return: true, RevokedSecurityGroupRules: revoked.map(revokedView) };
  };

/** "Updates the description, or the contents of security group rules": each by ID, in its own direction. */
const modifySecurityGroupRules: Handler<'ModifySecurityGroupRules'> = (input, { partition }) => {
  const group = existing(partition.securityGroups, 'security-group', input.GroupId);
  const updates = input.SecurityGroupRules.map((update) => {
    if (update.SecurityGroupRuleId === undefined) throw missingParameter('SecurityGroupRule.SecurityGroupRuleId');
    if (update.SecurityGroupRule === undefined) throw missingParameter('SecurityGroupRule.SecurityGroupRule');
    const rule = existing(partition.securityGroupRules, 'security-group-rule', update.SecurityGroupRuleId);
    if (rule.GroupId !== group.GroupId) throw notFound('security-group-rule', rule.SecurityGroupRuleId);
    const spec = ruleOfRequest(partition, group, rule.IsEgress, update.SecurityGroupRule);
    if (peerKind(spec) !== peerKind(rule)) throw ruleKindChanged(rule.SecurityGroupRuleId);
    return { rule, spec };
  });
  const changed = new Set(updates.map(({ rule }) => rule.SecurityGroupRuleId));
  const keys = new Set(rulesOfGroup(partition, group.GroupId).filter((rule) => !changed.has(rule.SecurityGroupRuleId)).map(ruleKey));
  for (const { spec } of updates) {
    if (keys.has(ruleKey(spec))) throw duplicatePermission(spec);
    keys.add(ruleKey(spec));
  }
  // In place: the same ID, tags and position, new contents.
  for (const { rule, spec } of updates) partition.securityGroupRules.put(ruleRecord(spec, group, rule.SecurityGroupRuleId, partition.region, rule.Tags, rule.seq));
  return { Return: true };
};

/**
 * Sets the descriptions of existing rules, named by permission (each peer's Description) or by ID.
 * A rule named without a description loses the one it had.
 */
const updateDescriptions =
  (egress: boolean) =>
  (input: InputOf<'UpdateSecurityGroupRuleDescriptionsIngress', 'UpdateSecurityGroupRuleDescriptionsEgress'>, { partition }: CallContext) => {
    const group = namedGroup(partition, input);
    const byId: readonly SecurityGroupRuleDescription[] = input.SecurityGroupRuleDescriptions ?? [];
    if (byId.length && input.IpPermissions?.length) {
      throw invalidParameterCombination('The parameter SecurityGroupRuleDescriptions cannot be used with the parameter IpPermissions');
    }
    let updates: { rule: SecurityGroupRuleRecord; description: string | undefined }[];
    if (byId.length) {
      updates = byId.map(({ SecurityGroupRuleId, Description }) => {
        if (SecurityGroupRuleId === undefined) throw missingParameter('SecurityGroupRuleDescription.SecurityGroupRuleId');
        return { rule: ruleOfGroup(partition, group, egress, SecurityGroupRuleId), description: checkedRuleDescription(Description) };
      });
    } else {
      if (!input.IpPermissions?.length) throw missingParameter('IpPermissions');
      const specs = rulesOfPermissions(partition, group, egress, input.IpPermissions);
      const rules = matchingRules(partition, group, specs);
      updates = rules.map((rule, i) => ({ rule, description: specs[i]!.Description }));
    }
    for (const { rule, description } of updates) {
      const { Description: _old, ...rest } = partition.securityGroupRules.get(rule.SecurityGroupRuleId)!;
      partition.securityGroupRules.put(description === undefined ? rest : { ...rest, Description: description });
    }
    return { Return: true };
  };

/** The Describe filters, by name. */
export const SECURITY_GROUP_RULE_FILTERS: FilterTable<SecurityGroupRuleRecord> = {
  'group-id': (rule) => rule.GroupId,
  'security-group-rule-id': (rule) => rule.SecurityGroupRuleId,
};

const describeSecurityGroupRules: Handler<'DescribeSecurityGroupRules'> = (input, context: CallContext) => {
  const source = tableSource(context.partition.securityGroupRules, 'security-group-rule', SECURITY_GROUP_RULE_FILTERS, (rule) => rule.Tags);
  const page = describe(context, source, describeQuery(input, 'SecurityGroupRuleIds'));
  return { SecurityGroupRules: page.items.map(ruleView), NextToken: page.nextToken };
};

export const securityGroupRuleHandlers: HandlerTable = {
  AuthorizeSecurityGroupIngress: authorize(false),
  AuthorizeSecurityGroupEgress: authorize(true),
  RevokeSecurityGroupIngress: revoke(false),
  RevokeSecurityGroupEgress: revoke(true),
  ModifySecurityGroupRules: modifySecurityGroupRules,
  UpdateSecurityGroupRuleDescriptionsIngress: updateDescriptions(false),
  UpdateSecurityGroupRuleDescriptionsEgress: updateDescriptions(true),
  DescribeSecurityGroupRules: describeSecurityGroupRules,
};
