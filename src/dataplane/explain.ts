// Explains what the engine does with one frame: how it decoded, its direction, and for each of the
// ENI's sessions in order whether the filter accepted, rejected or matched nothing, and by which
// rule. It runs the engine's own evaluation (MirrorEngine.evaluate) and reads back the trace that
// evaluation leaves, so an explanation can never disagree with a decision.

import { formatIpv4, formatIpv6 } from '../net/cidr.js';
import { SESSION_OUTCOMES, type MirrorEngine, type SessionOutcome } from './mirror-engine.js';
import { NOT_MIRRORED_REASONS, type NotMirroredReason } from './mirror-reasons.js';
import type { DecodeError, TransportIssue } from './packet-decoder.js';
import type { TrafficDirection } from './rule-matcher.js';

export interface DecodedSummary {
  ok: boolean;
  error?: DecodeError;
  etherType: number;
  vlanIds: number[];
  family: 0 | 4 | 6;
  source?: string;
  destination?: string;
  protocol?: number;
  sourcePort?: number;
  destinationPort?: number;
  icmpType?: number;
  icmpCode?: number;
  fragment?: { offset: number; moreFragments: boolean };
  /** The transport header is cut short or malformed: the frame was decided on what it holds. */
  transportIssue?: TransportIssue;
}

export interface SessionExplanation {
  sessionId: string;
  sessionNumber: number;
  filterId: string;
  targetId: string;
  /** 'not-evaluated': an earlier session mirrored the packet, or the engine stopped before sessions. */
  outcome: SessionOutcome;
  /** The rule that matched, if one did. */
  rule?: { ruleId: string; ruleNumber: number; action: 'accept' | 'reject' };
}

export interface FrameExplanation {
  networkInterfaceId: string;
  decoded: DecodedSummary;
  direction: TrafficDirection | null;
  amazonDns: boolean;
  sessions: SessionExplanation[];
  mirrored: boolean;
  /** When mirrored: by whom. */
  sessionId?: string;
  ruleId?: string;
  service?: 'amazon-dns';
  /** When not mirrored: why, and what that means. */
  reason?: NotMirroredReason;
  reasonText?: string;
}

/** Explains the fate of `bytes[offset, offset + length)` on the ENI. Counts nothing. */
export function explainFrame(engine: MirrorEngine, networkInterfaceId: string, bytes: Uint8Array, offset = 0, length = bytes.length - offset): FrameExplanation {
  const eniIndex = engine.eniIndex(networkInterfaceId);
  const decision = engine.evaluate(eniIndex, bytes, offset, length);
  const eni = engine.enis[eniIndex];
  const sessions: SessionExplanation[] = (eni?.sessions ?? []).map((session, i) => {
    const explanation: SessionExplanation = {
      sessionId: session.config.sessionId,
      sessionNumber: session.config.sessionNumber,
      filterId: session.filter.config.filterId,
      targetId: session.target.targetId,
      outcome: SESSION_OUTCOMES[engine.lastOutcome[i]!]!,
    };
    const ruleIndex = engine.lastRule[i]!;
    if (ruleIndex >= 0) {
      const rule = session.filter.matcher.rules[ruleIndex]!;
      explanation.rule = { ruleId: rule.ruleId, ruleNumber: rule.ruleNumber, action: rule.action };
    }
    return explanation;
  });
  const explanation: FrameExplanation = {
    networkInterfaceId,
    decoded: summarise(engine, eniIndex >= 0),
    direction: decision.direction,
    amazonDns: decision.amazonDns,
    sessions,
    mirrored: decision.mirrored,
  };
  if (decision.mirrored) {
    explanation.sessionId = decision.sessionId!;
    if (decision.ruleId !== null) explanation.ruleId = decision.ruleId;
    if (decision.service !== null) explanation.service = decision.service;
  } else {
    explanation.reason = decision.reason!;
    explanation.reasonText = NOT_MIRRORED_REASONS[decision.reason!];
  }
  return explanation;
}

function summarise(engine: MirrorEngine, decoded: boolean): DecodedSummary {
  const frame = engine.frame;
  if (!decoded) return { ok: false, etherType: 0, vlanIds: [], family: 0 };
  const summary: DecodedSummary = {
    ok: frame.ok,
    etherType: frame.etherType,
    vlanIds: Array.from(frame.vlanTci.subarray(0, frame.vlanCount), (tci) => tci & 0x0fff),
    family: frame.family,
  };
  if (frame.error !== null) summary.error = frame.error;
  if (frame.family === 4) {
    summary.source = formatIpv4(frame.srcIpv4);
    summary.destination = formatIpv4(frame.dstIpv4);
  } else if (frame.family === 6) {
    summary.source = formatIpv6(frame.srcIpv6);
    summary.destination = formatIpv6(frame.dstIpv6);
  }
  if (frame.protocol >= 0) summary.protocol = frame.protocol;
  if (frame.hasPorts) {
    summary.sourcePort = frame.srcPort;
    summary.destinationPort = frame.dstPort;
  }
  if (frame.icmpType >= 0) {
    summary.icmpType = frame.icmpType;
    summary.icmpCode = frame.icmpCode;
  }
  if (frame.isFragment) summary.fragment = { offset: frame.fragmentOffset, moreFragments: frame.moreFragments };
  if (frame.transportIssue !== null) summary.transportIssue = frame.transportIssue;
  return summary;
}

/** A few lines of text for people: one line per session, then the verdict. */
export function formatExplanation(explanation: FrameExplanation): string {
  const d = explanation.decoded;
  const lines: string[] = [];
  const flow = d.ok
    ? `${d.source ?? '-'}${d.sourcePort !== undefined ? `:${d.sourcePort}` : ''} -> ${d.destination ?? '-'}${d.destinationPort !== undefined ? `:${d.destinationPort}` : ''} protocol ${d.protocol ?? '-'}${d.transportIssue ? ` (${d.transportIssue})` : ''}`
    : `undecodable (${d.error ?? 'unknown ENI'})`;
  lines.push(`${explanation.networkInterfaceId}: ${flow}, ${explanation.direction ?? 'no direction'}${explanation.amazonDns ? ', Amazon DNS' : ''}`);
  const mirroring = explanation.sessions.find((session) => session.sessionId === explanation.sessionId);
  for (const session of explanation.sessions) {
    const rule = session.rule ? ` by rule ${session.rule.ruleId} (#${session.rule.ruleNumber}, ${session.rule.action})` : '';
    lines.push(`  session ${session.sessionNumber} ${session.sessionId} (filter ${session.filterId}): ${session.outcome}${rule}${why(session, explanation, mirroring)}`);
  }
  lines.push(
    explanation.mirrored
      ? `  mirrored by ${explanation.sessionId}${explanation.ruleId ? ` rule ${explanation.ruleId}` : ` service ${explanation.service}`}`
      : `  not mirrored: ${explanation.reason} (${explanation.reasonText})`,
  );
  return lines.join('\n');
}

/** Why a session did not decide, where its outcome alone does not say. */
function why(session: SessionExplanation, explanation: FrameExplanation, mirroring: SessionExplanation | undefined): string {
  switch (session.outcome) {
    case 'not-evaluated':
      return mirroring ? ` (session ${mirroring.sessionNumber} mirrored the packet first: each packet is mirrored once)` : ` (decided before any session: ${explanation.reason})`;
    case 'no-rule-matched':
      return ` (no ${explanation.direction} rule matches)`;
    case 'amazon-dns-not-enabled':
      return ' (Amazon DNS skips the rules; this filter lacks the amazon-dns network service)';
    default:
      return '';
  }
}
