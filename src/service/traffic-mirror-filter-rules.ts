import type { TrafficDirection, TrafficMirrorFilterRule } from '../../model/ec2-types.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { TrafficMirrorFilterRuleRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { idempotent } from './client-token.js';
import { describe, describeQuery, type DescribeSource, type FilterTable } from './describe-engine.js';
import { filterRuleAlreadyExists, limitExceeded } from './errors.js';
import {
  checkPortRange,
  checkRemoveFields,
  checkWholeRule,
  completePortRange,
  portNumber,
  REMOVABLE,
  ruleMemberChecks,
  type RemovableMember,
} from './filter-rule-checks.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { tagsFromSpecifications } from './tagging.js';

/**
 * Traffic mirror filter rules. A rule is a record of its own, tied to its filter by ID; a filter's
 * IngressFilterRules and EgressFilterRules are gathered from here whenever it is described.
 */

const DIRECTION_ORDER: Record<TrafficDirection, number> = { ingress: 0, egress: 1 };

/** A filter's rules, ingress before egress, each direction in ascending RuleNumber (evaluation order). */
export function rulesOfFilter(partition: Partition, filterId: string): TrafficMirrorFilterRuleRecord[] {
  return [...partition.trafficMirrorFilterRules.pick(partition.rulesByFilter.ids(filterId))].sort(
    (a, b) => DIRECTION_ORDER[a.TrafficDirection] - DIRECTION_ORDER[b.TrafficDirection] || a.RuleNumber - b.RuleNumber,
  );
}

/** A rule as the API shows it. */
export function ruleView(rule: TrafficMirrorFilterRuleRecord): TrafficMirrorFilterRule {
  const { seq: _seq, ...members } = rule;
  return members;
}

/** "This number must be unique for each Traffic Mirror rule in a given direction." */
function refuseTakenRuleNumber(partition: Partition, filterId: string, direction: TrafficDirection, ruleNumber: number): void {
  for (const rule of partition.trafficMirrorFilterRules.pick(partition.rulesByFilter.ids(filterId))) {
    if (rule.TrafficDirection === direction && rule.RuleNumber === ruleNumber) throw filterRuleAlreadyExists(direction, ruleNumber);
  }
}

const createTrafficMirrorFilterRule: Handler<'CreateTrafficMirrorFilterRule'> = (input, context) =>
  idempotent(context, input, () => {
    const { partition, config } = context;
    const filterId = existing(partition.trafficMirrorFilters, 'traffic-mirror-filter', input.TrafficMirrorFilterId).TrafficMirrorFilterId;
    refuseTakenRuleNumber(partition, filterId, input.TrafficDirection, input.RuleNumber);
    // The quota counts both directions together (decisions.md).
    if (partition.rulesByFilter.count(filterId) >= config.quotas.rulesPerFilter) {
      throw limitExceeded(
        'TrafficMirrorFilterRuleLimitExceeded',
        `The maximum number of rules (${config.quotas.rulesPerFilter}) for Traffic Mirror filter '${filterId}' has been reached.`,
      );
    }
    const id = newId('traffic-mirror-filter-rule', (taken) => partition.trafficMirrorFilterRules.has(taken));
    const rule = partition.trafficMirrorFilterRules.put({
      TrafficMirrorFilterRuleId: id,
      TrafficMirrorFilterId: filterId,
      TrafficDirection: input.TrafficDirection,
      RuleNumber: input.RuleNumber,
      RuleAction: input.RuleAction,
      Protocol: input.Protocol,
      DestinationPortRange: input.DestinationPortRange && completePortRange(input.DestinationPortRange),
      SourcePortRange: input.SourcePortRange && completePortRange(input.SourcePortRange),
      DestinationCidrBlock: input.DestinationCidrBlock,
      SourceCidrBlock: input.SourceCidrBlock,
      Description: input.Description,
      Tags: tagsFromSpecifications(input.TagSpecifications, 'traffic-mirror-filter-rule', config.quotas.tagsPerResource),
      seq: partition.nextSeq(),
    });
    return { TrafficMirrorFilterRule: ruleView(rule) };
  });

/** Rules in filter creation order, then as rulesOfFilter orders them; optionally one filter's only. */
/** The Describe filters, by name. */
export const TRAFFIC_MIRROR_FILTER_RULE_FILTERS: FilterTable<TrafficMirrorFilterRuleRecord> = {
  'traffic-mirror-filter-rule-id': (r) => r.TrafficMirrorFilterRuleId,
  'traffic-mirror-filter-id': (r) => r.TrafficMirrorFilterId,
  'rule-number': (r) => r.RuleNumber,
  'rule-action': (r) => r.RuleAction,
  'traffic-direction': (r) => r.TrafficDirection,
  protocol: (r) => r.Protocol,
  'source-cidr-block': (r) => r.SourceCidrBlock,
  'destination-cidr-block': (r) => r.DestinationCidrBlock,
  description: (r) => r.Description,
};

function filterRules(partition: Partition, filterId: string | undefined): DescribeSource<TrafficMirrorFilterRuleRecord> {
  const table = partition.trafficMirrorFilterRules;
  return {
    kind: 'traffic-mirror-filter-rule',
    all: function* () {
      const filterIds = filterId ? [filterId] : Array.from(partition.trafficMirrorFilters.values(), (f) => f.TrafficMirrorFilterId);
      for (const id of filterIds) yield* rulesOfFilter(partition, id);
    },
    idOf: (rule) => rule.TrafficMirrorFilterRuleId,
    has: (id) => table.has(id),
    tagsOf: (rule) => rule.Tags,
    filters: TRAFFIC_MIRROR_FILTER_RULE_FILTERS,
  };
}

const describeTrafficMirrorFilterRules: Handler<'DescribeTrafficMirrorFilterRules'> = (input, context) => {
  const { partition } = context;
  const filterId =
    input.TrafficMirrorFilterId === undefined
      ? undefined
      : existing(partition.trafficMirrorFilters, 'traffic-mirror-filter', input.TrafficMirrorFilterId).TrafficMirrorFilterId;
  // As one more filter, the filter ID binds a NextToken to it just as the other filters do.
  const filters = filterId ? [...(input.Filters ?? []), { Name: 'traffic-mirror-filter-id', Values: [filterId] }] : input.Filters;
  const page = describe(context, filterRules(partition, filterId), { ...describeQuery(input, 'TrafficMirrorFilterRuleIds'), filters });
  return { TrafficMirrorFilterRules: page.items.map(ruleView), NextToken: page.nextToken };
};

/**
 * Every member given replaces the rule's (a port range as a whole); RemoveFields set members back to
 * their default, absent. The rule that results must be one create would accept, and its RuleNumber
 * free in its (possibly new) direction.
 */
const modifyTrafficMirrorFilterRule: Handler<'ModifyTrafficMirrorFilterRule'> = (input, context) => {
  const { partition } = context;
  const rule = existing(partition.trafficMirrorFilterRules, 'traffic-mirror-filter-rule', input.TrafficMirrorFilterRuleId);
  const removed = new Set((input.RemoveFields ?? []).map((field) => REMOVABLE[field]));
  const optional = <K extends RemovableMember>(member: K, given: TrafficMirrorFilterRuleRecord[K]) =>
    removed.has(member) ? undefined : (given ?? rule[member]);
  const modified: TrafficMirrorFilterRuleRecord = {
    ...rule,
    TrafficDirection: input.TrafficDirection ?? rule.TrafficDirection,
    RuleNumber: input.RuleNumber ?? rule.RuleNumber,
    RuleAction: input.RuleAction ?? rule.RuleAction,
    DestinationCidrBlock: input.DestinationCidrBlock ?? rule.DestinationCidrBlock,
    SourceCidrBlock: input.SourceCidrBlock ?? rule.SourceCidrBlock,
    Protocol: optional('Protocol', input.Protocol),
    DestinationPortRange: optional('DestinationPortRange', input.DestinationPortRange && completePortRange(input.DestinationPortRange)),
    SourcePortRange: optional('SourcePortRange', input.SourcePortRange && completePortRange(input.SourcePortRange)),
    Description: optional('Description', input.Description),
  };
  checkWholeRule(modified, input);
  if (modified.TrafficDirection !== rule.TrafficDirection || modified.RuleNumber !== rule.RuleNumber) {
    refuseTakenRuleNumber(partition, rule.TrafficMirrorFilterId, modified.TrafficDirection, modified.RuleNumber);
  }
  partition.trafficMirrorFilterRules.put(modified);
  // The model: "Tags are not returned for ModifyTrafficMirrorFilterRule."
  const { Tags: _tags, ...untagged } = ruleView(modified);
  return { TrafficMirrorFilterRule: untagged };
};

const deleteTrafficMirrorFilterRule: Handler<'DeleteTrafficMirrorFilterRule'> = (input, context) => {
  const rules = context.partition.trafficMirrorFilterRules;
  const id = existing(rules, 'traffic-mirror-filter-rule', input.TrafficMirrorFilterRuleId).TrafficMirrorFilterRuleId;
  rules.delete(id);
  return { TrafficMirrorFilterRuleId: id };
};

export const trafficMirrorFilterRuleHandlers: HandlerTable = {
  CreateTrafficMirrorFilterRule: createTrafficMirrorFilterRule,
  DescribeTrafficMirrorFilterRules: describeTrafficMirrorFilterRules,
  ModifyTrafficMirrorFilterRule: modifyTrafficMirrorFilterRule,
  DeleteTrafficMirrorFilterRule: deleteTrafficMirrorFilterRule,
};

export const trafficMirrorFilterRuleRules: ExtraRules = {
  members: {
    ...ruleMemberChecks('CreateTrafficMirrorFilterRuleRequest'),
    ...ruleMemberChecks('ModifyTrafficMirrorFilterRuleRequest'),
    'TrafficMirrorPortRangeRequest.FromPort': portNumber,
    'TrafficMirrorPortRangeRequest.ToPort': portNumber,
  },
  structures: {
    TrafficMirrorPortRangeRequest: checkPortRange,
    CreateTrafficMirrorFilterRuleRequest: (input) => checkWholeRule(input),
    // Whether a modified rule is whole depends on the stored rule: the handler checks that.
    ModifyTrafficMirrorFilterRuleRequest: checkRemoveFields,
  },
};
