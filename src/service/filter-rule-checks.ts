import type { TrafficMirrorFilterRuleField, TrafficMirrorPortRange, TrafficMirrorPortRangeRequest } from '../../model/ec2-types.js';
import { parseCidr } from '../net/cidr.js';
import { invalidValueFor } from '../protocol/api-error.js';
import type { MemberRule, StructureRule } from '../protocol/input-validator.js';
import { invalidParameterCombination } from './errors.js';
import { cidrBlock, integerBetween, maxLength } from './rule-helpers.js';

/**
 * What a traffic mirror filter rule must satisfy, shared by CreateTrafficMirrorFilterRule and
 * ModifyTrafficMirrorFilterRule: ranges of single members (validation table), and the checks on a
 * rule as a whole, which create runs on its request and modify on the rule it would produce.
 * Ranges and codes: decisions.md (RuleNumber 1-32766, Protocol 0-255, ports 0-65535, FromPort <=
 * ToPort, all InvalidParameterValue naming the parameter and value).
 */

export const MAX_DESCRIPTION_LENGTH = 255;
const TCP = 6;
const UDP = 17;
const LOWEST_PORT = 0;
const HIGHEST_PORT = 65535;

/**
 * A port range with one bound left out is open on that side: FromPort defaults to 0 (which is also
 * what Terraform sends for an unset `from_port`) and ToPort to 65535 ("80 and up"). The rule stores
 * and returns both bounds, as TrafficMirrorPortRange describes a range by its start and its end.
 */
export function completePortRange(range: TrafficMirrorPortRangeRequest): Required<TrafficMirrorPortRange> {
  return { FromPort: range.FromPort ?? LOWEST_PORT, ToPort: range.ToPort ?? HIGHEST_PORT };
}

/** The members a whole-rule check looks at; a request and a stored rule both have this shape. */
export interface RuleShape {
  Protocol?: number;
  DestinationPortRange?: TrafficMirrorPortRangeRequest;
  SourcePortRange?: TrafficMirrorPortRangeRequest;
  DestinationCidrBlock?: string;
  SourceCidrBlock?: string;
}

/**
 * Port ranges only with TCP or UDP (the only protocols with ports: "This applies to the TCP and UDP
 * protocols"), and both CIDR blocks of one address family ("must both be an IPv4 range or an IPv6
 * range"). `request` is what the caller sent: the error names one of its parameters where it can,
 * so a modify that breaks the rule through Protocol is told about Protocol.
 */
export function checkWholeRule(rule: RuleShape, request: RuleShape = rule): void {
  for (const member of ['DestinationPortRange', 'SourcePortRange'] as const) {
    const range = rule[member];
    if (!range || rule.Protocol === TCP || rule.Protocol === UDP) continue;
    if (request.Protocol !== undefined && !request[member]) {
      throw invalidValueFor('Protocol', request.Protocol, `The rule has a ${member}, and port ranges apply only to TCP (6) and UDP (17).`);
    }
    const { FromPort, ToPort } = completePortRange(range);
    const protocol = rule.Protocol === undefined ? 'not set (all protocols)' : String(rule.Protocol);
    throw invalidValueFor(
      member,
      `${FromPort}-${ToPort}`,
      `Port ranges apply only to TCP (6) and UDP (17); the rule's Protocol is ${protocol}.`,
    );
  }
  const source = rule.SourceCidrBlock === undefined ? undefined : parseCidr(rule.SourceCidrBlock);
  const destination = rule.DestinationCidrBlock === undefined ? undefined : parseCidr(rule.DestinationCidrBlock);
  if (source && destination && source.family !== destination.family) {
    const member = request.SourceCidrBlock !== undefined && request.DestinationCidrBlock === undefined ? 'SourceCidrBlock' : 'DestinationCidrBlock';
    throw invalidValueFor(member, rule[member], 'DestinationCidrBlock and SourceCidrBlock must both be an IPv4 range or an IPv6 range.');
  }
}

export type RemovableMember = 'DestinationPortRange' | 'SourcePortRange' | 'Protocol' | 'Description';

/** The member each RemoveField value resets. */
export const REMOVABLE: Record<TrafficMirrorFilterRuleField, RemovableMember> = {
  'destination-port-range': 'DestinationPortRange',
  'source-port-range': 'SourcePortRange',
  protocol: 'Protocol',
  description: 'Description',
};

/** A member both set and named in RemoveFields: InvalidParameterCombination (decisions.md). */
export const checkRemoveFields: StructureRule = (input) => {
  for (const field of (input.RemoveFields as TrafficMirrorFilterRuleField[] | undefined) ?? []) {
    const member = REMOVABLE[field];
    if (input[member] !== undefined) {
      throw invalidParameterCombination(`The parameter ${member} cannot be used together with RemoveField '${field}'.`);
    }
  }
};

export const portNumber = integerBetween(LOWEST_PORT, HIGHEST_PORT);

export const checkPortRange: StructureRule = (input, path) => {
  const { FromPort, ToPort } = completePortRange(input as TrafficMirrorPortRangeRequest);
  if (FromPort > ToPort) throw invalidValueFor(`${path}.FromPort`, FromPort, `FromPort must not be greater than ToPort (${ToPort}).`);
};

/** The member rules create and modify share, for the request shape `shape`. */
export function ruleMemberChecks(shape: string): Record<string, MemberRule> {
  return {
    [`${shape}.RuleNumber`]: integerBetween(1, 32766),
    [`${shape}.Protocol`]: integerBetween(0, 255),
    [`${shape}.DestinationCidrBlock`]: cidrBlock(),
    [`${shape}.SourceCidrBlock`]: cidrBlock(),
    [`${shape}.Description`]: maxLength(MAX_DESCRIPTION_LENGTH),
  };
}
