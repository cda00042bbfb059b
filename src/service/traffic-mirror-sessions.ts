import type { ExtraRules } from '../protocol/input-validator.js';
import type { Handler, HandlerTable } from './call-context.js';
import { describe, type DescribeSource } from './describe-engine.js';
import type { TrafficMirrorSessionRecord } from '../state/records.js';
import type { Partition } from '../state/partition.js';

function sessions(partition: Partition): DescribeSource<TrafficMirrorSessionRecord> {
  const table = partition.trafficMirrorSessions;
  return {
    kind: 'traffic-mirror-session',
    all: () => table.values(),
    idOf: (session) => session.TrafficMirrorSessionId,
    has: (id) => table.has(id),
    tagsOf: (session) => session.Tags,
    filters: {
      description: (s) => s.Description,
      'network-interface-id': (s) => s.NetworkInterfaceId,
      'owner-id': (s) => s.OwnerId,
      'packet-length': (s) => s.PacketLength,
      'session-number': (s) => s.SessionNumber,
      'traffic-mirror-filter-id': (s) => s.TrafficMirrorFilterId,
      'traffic-mirror-session-id': (s) => s.TrafficMirrorSessionId,
      'traffic-mirror-target-id': (s) => s.TrafficMirrorTargetId,
      'virtual-network-id': (s) => s.VirtualNetworkId,
    },
  };
}

export const describeTrafficMirrorSessions: Handler<'DescribeTrafficMirrorSessions'> = (input, context) => {
  const page = describe(context, sessions(context.partition), {
    ids: input.TrafficMirrorSessionIds,
    idsParameter: 'TrafficMirrorSessionIds',
    filters: input.Filters,
    maxResults: input.MaxResults,
    nextToken: input.NextToken,
  });
  return { TrafficMirrorSessions: page.items, NextToken: page.nextToken };
};

export const trafficMirrorSessionHandlers: HandlerTable = {
  DescribeTrafficMirrorSessions: describeTrafficMirrorSessions,
};

export const trafficMirrorSessionRules: ExtraRules = {};
