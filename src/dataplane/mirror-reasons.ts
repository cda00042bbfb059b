// Why a frame was not mirrored. These names are part of mirrorlite's interface: replay summaries,
// counters and explanations use them as keys, so they never change meaning once published.

import { DECODE_ERRORS, type DecodeError } from './packet-decoder.js';

export type NotMirroredReason =
  | 'unknown-eni'
  | `undecodable:${DecodeError}`
  | 'never-mirrored:arp'
  | 'never-mirrored:dhcp'
  | 'never-mirrored:metadata'
  | 'never-mirrored:ntp'
  | 'never-mirrored:kms-activation'
  | 'not-eni-traffic'
  | 'no-session'
  | 'amazon-dns-not-enabled'
  | 'rejected'
  | 'no-rule-matched';

/**
 * Every reason with its meaning, in the order the engine checks them: the first that applies is
 * the one reported. The never-mirrored classes come before the direction test because they are
 * facts about the packet alone (a DHCP discover from 0.0.0.0 is DHCP, not "someone else's
 * traffic"); the configuration (sessions, filters) comes last.
 */
export const NOT_MIRRORED_REASONS: Readonly<Record<NotMirroredReason, string>> = {
  'unknown-eni': 'The frame was offered on a network interface that is not in the configuration snapshot.',
  ...(Object.fromEntries(DECODE_ERRORS.map((error) => [`undecodable:${error}`, `The frame could not be decoded (${error}), so no rule can be evaluated.`])) as Record<`undecodable:${DecodeError}`, string>),
  'never-mirrored:arp': 'ARP: Traffic Mirroring never mirrors it.',
  'never-mirrored:dhcp': 'DHCP (UDP port 67 or 68; DHCPv6: UDP port 546 or 547): never mirrored.',
  'never-mirrored:metadata': 'Instance metadata service (169.254.169.254, fd00:ec2::254): never mirrored.',
  'never-mirrored:ntp': 'Amazon Time Sync Service (169.254.169.123, fd00:ec2::123): never mirrored.',
  'never-mirrored:kms-activation': 'Windows activation: the Amazon KMS servers (169.254.169.250, 169.254.169.251, fd00:ec2::250): never mirrored.',
  'not-eni-traffic': 'Neither the source nor the destination address is one of the network interface\'s addresses.',
  'no-session': 'The network interface is the source of no traffic mirror session.',
  'amazon-dns-not-enabled': 'Amazon DNS traffic, which skips the rules, and no session\'s filter has the amazon-dns network service.',
  rejected: 'A session\'s filter matched a reject rule and no later session\'s filter accepted the packet.',
  'no-rule-matched': 'No rule of any session\'s filter, in the packet\'s direction, matched the packet.',
};

/** The reasons in check order; counters index them by position. */
export const NOT_MIRRORED_REASON_NAMES = Object.keys(NOT_MIRRORED_REASONS) as readonly NotMirroredReason[];
