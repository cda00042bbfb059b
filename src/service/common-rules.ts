import type { ExtraRules } from '../protocol/input-validator.js';
import { clientToken, pageSize } from './rule-helpers.js';

/** Rules every family shares: idempotency tokens, and DescribeTags' page size (an Integer in the model). */
export const commonRules: ExtraRules = {
  members: {
    'CreateTrafficMirrorFilterRequest.ClientToken': clientToken,
    'CreateTrafficMirrorFilterRuleRequest.ClientToken': clientToken,
    'CreateTrafficMirrorSessionRequest.ClientToken': clientToken,
    'CreateTrafficMirrorTargetRequest.ClientToken': clientToken,
    'CreateNetworkInterfaceRequest.ClientToken': clientToken,
    'DescribeTagsRequest.MaxResults': pageSize(5, 1000),
  },
};
