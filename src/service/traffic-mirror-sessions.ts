import { randomInt } from 'node:crypto';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { NetworkInterfaceRecord, TrafficMirrorSessionRecord, TrafficMirrorTargetRecord } from '../state/records.js';
import type { CallContext, Handler, HandlerTable } from './call-context.js';
import { idempotent } from './client-token.js';
import { describe, describeQuery, tableSource, type FilterTable } from './describe-engine.js';
import { interfaceInUseByTarget, invalidParameterCombination, limitExceeded, sessionNumberInUse } from './errors.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { integerBetween, maxLength } from './rule-helpers.js';
import { tagsFromSpecifications } from './tagging.js';
import { checkMirrorableType, MAX_DESCRIPTION_LENGTH } from './traffic-mirror-targets.js';

/**
 * Traffic mirror sessions: a source network interface, a filter, a target, a session number that
 * orders the interface's sessions, a VXLAN ID and an optional packet length.
 */

/** VXLAN network identifiers are 24 bits (RFC 7348); 0 may be given, random ones start at 1. */
export const MAX_VIRTUAL_NETWORK_ID = 0xffffff;
/** "For sessions with Network Load Balancer (NLB) Traffic Mirror targets the default PacketLength will be set to 8500." */
export const NLB_DEFAULT_PACKET_LENGTH = 8500;

/** The Describe filters, by name. */
export const TRAFFIC_MIRROR_SESSION_FILTERS: FilterTable<TrafficMirrorSessionRecord> = {
  description: (s) => s.Description,
  'network-interface-id': (s) => s.NetworkInterfaceId,
  'owner-id': (s) => s.OwnerId,
  'packet-length': (s) => s.PacketLength,
  'session-number': (s) => s.SessionNumber,
  'traffic-mirror-filter-id': (s) => s.TrafficMirrorFilterId,
  'traffic-mirror-session-id': (s) => s.TrafficMirrorSessionId,
  'traffic-mirror-target-id': (s) => s.TrafficMirrorTargetId,
  'virtual-network-id': (s) => s.VirtualNetworkId,
};


/** "If you do not specify a VirtualNetworkId, an account-wide unique ID is chosen at random." */
function randomVirtualNetworkId(partition: Partition): number {
  for (;;) {
    const candidate = randomInt(1, MAX_VIRTUAL_NETWORK_ID + 1);
    if (!partition.sessionsByVirtualNetworkId.has(candidate)) return candidate;
  }
}

function checkSessionNumberFree(partition: Partition, eniId: string, sessionNumber: number, self?: string): void {
  for (const id of partition.sessionsByInterfaceAndNumber.ids(`${eniId}#${sessionNumber}`)) {
    if (id !== self) throw sessionNumberInUse(sessionNumber, eniId);
  }
}

/** An ENI target takes at most `sourcesPerInterfaceTarget` distinct source interfaces. */
function checkTargetAcceptsSource(context: CallContext, target: TrafficMirrorTargetRecord, eniId: string): void {
  if (target.Type !== 'network-interface') return;
  const { partition, config } = context;
  const sources = new Set<string>();
  for (const session of partition.trafficMirrorSessions.pick(partition.sessionsByTarget.ids(target.TrafficMirrorTargetId))) {
    sources.add(session.NetworkInterfaceId);
  }
  if (!sources.has(eniId) && sources.size >= config.quotas.sourcesPerInterfaceTarget) {
    throw limitExceeded(
      'TrafficMirrorSourcesPerTargetLimitExceeded',
      `The Traffic Mirror target '${target.TrafficMirrorTargetId}' already has the maximum number of sources (${config.quotas.sourcesPerInterfaceTarget}).`,
    );
  }
}

/**
 * A session's PacketLength fields on `target`: the length the caller chose, else for an NLB target
 * the documented default, marked as defaulted; else none (whole packets). Decided, as AWS is silent
 * on retargeting: the default follows the target, a chosen length stays with the session.
 */
function packetLengthOn(
  target: TrafficMirrorTargetRecord,
  chosen: number | undefined,
): Pick<TrafficMirrorSessionRecord, 'PacketLength' | 'packetLengthDefaulted'> {
  if (chosen !== undefined) return { PacketLength: chosen };
  if (target.Type === 'network-load-balancer') return { PacketLength: NLB_DEFAULT_PACKET_LENGTH, packetLengthDefaulted: true };
  return {};
}

/** The PacketLength the caller chose for a session, if any: not the NLB default it may carry. */
const chosenPacketLength = (session: TrafficMirrorSessionRecord) => (session.packetLengthDefaulted ? undefined : session.PacketLength);

/** The source must be an interface of type `interface` that is not itself a mirror target. */
function sourceInterface(partition: Partition, eniId: string): NetworkInterfaceRecord {
  const eni = existing(partition.networkInterfaces, 'network-interface', eniId);
  // Checked here only: ModifyTrafficMirrorSession cannot change a session's source.
  checkMirrorableType(eni, 'source');
  if (partition.targetsByNetworkInterface.has(eni.NetworkInterfaceId)) throw interfaceInUseByTarget(eni.NetworkInterfaceId);
  return eni;
}

const createTrafficMirrorSession: Handler<'CreateTrafficMirrorSession'> = (input, context) =>
  idempotent(context, input, () => {
    const { partition, config } = context;
    const eni = sourceInterface(partition, input.NetworkInterfaceId);
    const target = existing(partition.trafficMirrorTargets, 'traffic-mirror-target', input.TrafficMirrorTargetId);
    const filter = existing(partition.trafficMirrorFilters, 'traffic-mirror-filter', input.TrafficMirrorFilterId);
    if (partition.sessionsByNetworkInterface.count(eni.NetworkInterfaceId) >= config.quotas.sessionsPerInterface) {
      throw limitExceeded(
        'TrafficMirrorSessionsPerInterfaceLimitExceeded',
        `The allowed number of Traffic Mirror sessions (${config.quotas.sessionsPerInterface}) for the network interface '${eni.NetworkInterfaceId}' has been exceeded.`,
      );
    }
    checkSessionNumberFree(partition, eni.NetworkInterfaceId, input.SessionNumber);
    checkTargetAcceptsSource(context, target, eni.NetworkInterfaceId);
    if (partition.trafficMirrorSessions.size >= config.quotas.sessionsPerAccount) {
      throw limitExceeded('TrafficMirrorSessionLimitExceeded', `The maximum number of Traffic Mirror sessions (${config.quotas.sessionsPerAccount}) has been reached.`);
    }
    const id = newId('traffic-mirror-session', (candidate) => partition.trafficMirrorSessions.has(candidate));
    const session = partition.trafficMirrorSessions.put({
      TrafficMirrorSessionId: id,
      TrafficMirrorTargetId: target.TrafficMirrorTargetId,
      TrafficMirrorFilterId: filter.TrafficMirrorFilterId,
      NetworkInterfaceId: eni.NetworkInterfaceId,
      OwnerId: context.account,
      ...packetLengthOn(target, input.PacketLength),
      SessionNumber: input.SessionNumber,
      VirtualNetworkId: input.VirtualNetworkId ?? randomVirtualNetworkId(partition),
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      Tags: tagsFromSpecifications(input.TagSpecifications, 'traffic-mirror-session', config.quotas.tagsPerResource),
      seq: partition.nextSeq(),
    });
    return { TrafficMirrorSession: session };
  });

const describeTrafficMirrorSessions: Handler<'DescribeTrafficMirrorSessions'> = (input, context) => {
  const page = describe(context, tableSource(context.partition.trafficMirrorSessions, 'traffic-mirror-session', TRAFFIC_MIRROR_SESSION_FILTERS, (s) => s.Tags), describeQuery(input, 'TrafficMirrorSessionIds'));
  return { TrafficMirrorSessions: page.items, NextToken: page.nextToken };
};

const modifyTrafficMirrorSession: Handler<'ModifyTrafficMirrorSession'> = (input, context) => {
  const { partition } = context;
  const session = existing(partition.trafficMirrorSessions, 'traffic-mirror-session', input.TrafficMirrorSessionId);
  const removed = new Set(input.RemoveFields ?? []);
  const target = existing(partition.trafficMirrorTargets, 'traffic-mirror-target', input.TrafficMirrorTargetId ?? session.TrafficMirrorTargetId);
  if (input.TrafficMirrorTargetId !== undefined) checkTargetAcceptsSource(context, target, session.NetworkInterfaceId);
  if (input.TrafficMirrorFilterId !== undefined) existing(partition.trafficMirrorFilters, 'traffic-mirror-filter', input.TrafficMirrorFilterId);
  if (input.SessionNumber !== undefined) {
    checkSessionNumberFree(partition, session.NetworkInterfaceId, input.SessionNumber, session.TrafficMirrorSessionId);
  }

  // "When you remove a property from a Traffic Mirror session, the property is set to the default."
  const packetLength = removed.has('packet-length') ? undefined : (input.PacketLength ?? chosenPacketLength(session));
  const virtualNetworkId = removed.has('virtual-network-id')
    ? randomVirtualNetworkId(partition)
    : (input.VirtualNetworkId ?? session.VirtualNetworkId);
  const description = removed.has('description') ? undefined : (input.Description ?? session.Description);

  const { PacketLength: _packetLength, packetLengthDefaulted: _defaulted, Description: _description, ...kept } = session;
  const modified = partition.trafficMirrorSessions.put({
    ...kept,
    TrafficMirrorTargetId: target.TrafficMirrorTargetId,
    TrafficMirrorFilterId: input.TrafficMirrorFilterId ?? session.TrafficMirrorFilterId,
    ...packetLengthOn(target, packetLength),
    SessionNumber: input.SessionNumber ?? session.SessionNumber,
    VirtualNetworkId: virtualNetworkId,
    ...(description !== undefined ? { Description: description } : {}),
  });
  return { TrafficMirrorSession: modified };
};

const deleteTrafficMirrorSession: Handler<'DeleteTrafficMirrorSession'> = (input, context) => {
  const session = existing(context.partition.trafficMirrorSessions, 'traffic-mirror-session', input.TrafficMirrorSessionId);
  context.partition.trafficMirrorSessions.delete(session.TrafficMirrorSessionId);
  return { TrafficMirrorSessionId: session.TrafficMirrorSessionId };
};

export const trafficMirrorSessionHandlers: HandlerTable = {
  CreateTrafficMirrorSession: createTrafficMirrorSession,
  DescribeTrafficMirrorSessions: describeTrafficMirrorSessions,
  ModifyTrafficMirrorSession: modifyTrafficMirrorSession,
  DeleteTrafficMirrorSession: deleteTrafficMirrorSession,
};

const sessionNumber = integerBetween(1, 32766);
const packetLength = integerBetween(1, 8500);
const virtualNetworkId = integerBetween(0, MAX_VIRTUAL_NETWORK_ID);
const description = maxLength(MAX_DESCRIPTION_LENGTH);

/** RemoveFields values and the member each one resets. */
const REMOVABLE = { 'packet-length': 'PacketLength', description: 'Description', 'virtual-network-id': 'VirtualNetworkId' } as const;

export const trafficMirrorSessionRules: ExtraRules = {
  members: {
    'CreateTrafficMirrorSessionRequest.SessionNumber': sessionNumber,
    'CreateTrafficMirrorSessionRequest.PacketLength': packetLength,
    'CreateTrafficMirrorSessionRequest.VirtualNetworkId': virtualNetworkId,
    'CreateTrafficMirrorSessionRequest.Description': description,
    'ModifyTrafficMirrorSessionRequest.SessionNumber': sessionNumber,
    'ModifyTrafficMirrorSessionRequest.PacketLength': packetLength,
    'ModifyTrafficMirrorSessionRequest.VirtualNetworkId': virtualNetworkId,
    'ModifyTrafficMirrorSessionRequest.Description': description,
  },
  structures: {
    ModifyTrafficMirrorSessionRequest: (input) => {
      for (const field of (input.RemoveFields as (keyof typeof REMOVABLE)[] | undefined) ?? []) {
        const member = REMOVABLE[field];
        if (input[member] !== undefined) {
          throw invalidParameterCombination(`The parameter ${member} cannot be used together with RemoveField '${field}'.`);
        }
      }
    },
  },
};
