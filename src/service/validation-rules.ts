import type { ExtraRules } from '../protocol/input-validator.js';
import { cidrAssociationRules } from './cidr-associations.js';
import { commonRules } from './common-rules.js';
import { networkInterfaceAddressRules } from './network-interface-addresses.js';
import { networkInterfaceAttributeRules } from './network-interface-attributes.js';
import { networkInterfaceRules } from './network-interfaces.js';
import { securityGroupRules } from './security-groups.js';
import { subnetAttributeRules } from './subnet-attributes.js';
import { subnetRules } from './subnets.js';
import { tagRules } from './tags.js';
import { trafficMirrorFilterRuleRules } from './traffic-mirror-filter-rules.js';
import { trafficMirrorFilterRules } from './traffic-mirror-filters.js';
import { trafficMirrorSessionRules } from './traffic-mirror-sessions.js';
import { trafficMirrorTargetRules } from './traffic-mirror-targets.js';
import { vpcAttributeRules } from './vpc-attributes.js';
import { vpcRules } from './vpcs.js';

/**
 * The rules the model lacks (ranges, formats, combinations), keyed `Shape.Member` or by shape name.
 * Each resource family declares its own next to its handlers; this is their union.
 */
export const validationRules: ExtraRules = merge([
  commonRules,
  vpcRules,
  vpcAttributeRules,
  cidrAssociationRules,
  securityGroupRules,
  subnetRules,
  subnetAttributeRules,
  networkInterfaceRules,
  networkInterfaceAttributeRules,
  networkInterfaceAddressRules,
  trafficMirrorTargetRules,
  trafficMirrorFilterRules,
  trafficMirrorFilterRuleRules,
  trafficMirrorSessionRules,
  tagRules,
]);

function merge(all: ExtraRules[]): ExtraRules {
  const merged: Required<ExtraRules> = { members: {}, structures: {} };
  for (const rules of all) {
    for (const [key, rule] of Object.entries(rules.members ?? {})) {
      if (merged.members[key]) throw new Error(`two member rules for ${key}`);
      merged.members[key] = rule;
    }
    for (const [key, rule] of Object.entries(rules.structures ?? {})) {
      if (merged.structures[key]) throw new Error(`two structure rules for ${key}`);
      merged.structures[key] = rule;
    }
  }
  return merged;
}
