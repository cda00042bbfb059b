import { Command, InvalidArgumentError, Option } from 'commander';
import { closeSync, readSync } from 'node:fs';
import { CaptureReader, SKIP_REASONS, type SkipReason } from '../dataplane/capture-reader.js';
import { parseIpv4, parseIpv6 } from '../net/cidr.js';
import { formatExplanation, type FrameExplanation } from '../dataplane/explain.js';
import { buildIpFrame, icmpEchoFrame, tcpFrame, udpFrame } from '../dataplane/frame-builder.js';
import { EXPLAIN_PATH } from '../server/traffic-paths.js';
import { openToRead } from './local-files.js';
import { authorization, clientOptions, send, successText, withClientOptions } from './server-client.js';

/**
 * `mirrorlite explain --eni ENI_ID --packet SPEC` (or `--capture FILE --frame N`): asks the server
 * what it would do with one frame on that ENI, without counting it, and prints which session and
 * which rule decided, and what every other session did.
 *
 * SPEC is a protocol and two endpoints joined by an arrow that points from source to destination;
 * its forms are in PACKET_SPEC_HELP, which `--help` prints. Direction is not part of the spec: as
 * for every frame, the ENI's own address on one side tells ingress from egress.
 */

const PACKET_SPEC_HELP = `
--packet SPEC is PROTOCOL SOURCE -> DESTINATION, or DESTINATION <- SOURCE; the arrow points from
source to destination, and the ENI's own address on one side tells ingress from egress:
  tcp 10.0.1.10:443 -> 10.0.9.9:51000
  udp 10.0.9.9:5353 <- 10.0.1.10:40000           the same as udp 10.0.1.10:40000 -> 10.0.9.9:5353
  icmp 10.0.1.10 -> 8.8.8.8                      an echo request
  icmpv6 2001:db8::5 -> 2001:db8::9              an echo request between IPv6 addresses
  tcp [2001:db8::5]:443 -> [2001:db8::9]:40000   an IPv6 address with a port goes in brackets
  47 10.0.1.10 -> 10.0.9.9                       any IP protocol number from 0 to 255
PROTOCOL is tcp, udp, icmp, icmpv6 (any case) or a number; tcp and udp (6 and 17) take a port on
both sides, other protocols none.

Or take the frame from a capture: --capture FILE --frame N, N counting every record from 1 as
Wireshark numbers them (not with --packet).`;

export interface PacketSpec {
  protocol: number;
  source: string;
  sourcePort?: number;
  destination: string;
  destinationPort?: number;
}

const PROTOCOL_NAMES: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

export function parsePacketSpec(text: string): PacketSpec {
  const match = /^\s*(\S+)\s+(\S+)\s*(->|<-)\s*(\S+)\s*$/.exec(text);
  if (!match) throw new Error(`'${text}' is not PROTOCOL SOURCE -> DESTINATION, e.g. 'tcp 10.0.1.10:443 -> 10.0.9.9:51000'`);
  const [, protocolText, left, arrow, right] = match as unknown as [string, string, string, string, string];
  const name = protocolText.toLowerCase();
  const protocol = PROTOCOL_NAMES[name] ?? (/^\d{1,3}$/.test(name) && Number(name) <= 255 ? Number(name) : -1);
  if (protocol < 0) throw new Error(`unknown protocol '${protocolText}' (tcp, udp, icmp, icmpv6 or a number from 0 to 255)`);
  const [from, to] = arrow === '->' ? [endpoint(left), endpoint(right)] : [endpoint(right), endpoint(left)];
  if (from.family !== to.family) throw new Error('the two addresses are of different families');
  const hasPorts = protocol === 6 || protocol === 17;
  if (hasPorts && (from.port === undefined || to.port === undefined)) {
    // An IPv6 address with its port after a colon, unbracketed, parses as an address without a port.
    const bare = [from, to].find((side) => side.port === undefined && side.unbracketedIpv6);
    throw new Error(`${protocolText} needs a port on both sides${bare ? `; ${bracketsHint(bare.text)}` : ', e.g. 10.0.1.10:443'}`);
  }
  if (!hasPorts && (from.port !== undefined || to.port !== undefined)) throw new Error(`ports apply only to tcp and udp, not to ${protocolText}`);
  if (protocol === 1 && from.family === 6) throw new Error('icmp with IPv6 addresses: use icmpv6');
  if (protocol === 58 && from.family === 4) throw new Error('icmpv6 with IPv4 addresses: use icmp');
  const spec: PacketSpec = { protocol, source: from.address, destination: to.address };
  if (from.port !== undefined) spec.sourcePort = from.port;
  if (to.port !== undefined) spec.destinationPort = to.port;
  return spec;
}

interface Endpoint {
  text: string;
  address: string;
  family: 4 | 6;
  port?: number;
  /** Written with two or more colons and no brackets: a port after it would read as part of the address. */
  unbracketedIpv6: boolean;
}

function endpoint(text: string): Endpoint {
  let address = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const unbracketedIpv6 = !bracketed && text.split(':').length > 2;
  if (bracketed) {
    address = bracketed[1]!;
    portText = bracketed[2];
  } else if (text.split(':').length === 2) {
    // One colon: IPv4 with a port (an IPv6 address has at least two, and takes brackets for a port).
    [address, portText] = text.split(':') as [string, string];
  }
  const family = parseIpv4(address) >= 0 ? 4 : parseIpv6(address) ? 6 : 0;
  if (family === 0) throw new Error(`'${address}' is not an IPv4 or IPv6 address${unbracketedIpv6 ? `; ${bracketsHint(text)}` : ''}`);
  if (portText === undefined) return { text, address, family, unbracketedIpv6 };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`'${portText}' is not a port (0-65535)`);
  return { text, address, family, port, unbracketedIpv6 };
}

/** The bracketed form of what was written, when it reads as an IPv6 address and a port after its last colon. */
function bracketsHint(text: string): string {
  const split = /^(.+):(\d{1,5})$/.exec(text);
  const example = split && parseIpv6(split[1]!) && Number(split[2]) <= 65535 ? `[${split[1]}]:${split[2]}` : '[2001:db8::1]:80';
  return `write IPv6 addresses with a port in brackets: ${example}`;
}

/** The Ethernet frame for a spec, built as the frame builder builds test traffic. */
export function frameOf(spec: PacketSpec): Buffer {
  if (spec.protocol === 6) return tcpFrame(spec.source, spec.sourcePort!, spec.destination, spec.destinationPort!);
  if (spec.protocol === 17) return udpFrame(spec.source, spec.sourcePort!, spec.destination, spec.destinationPort!);
  if (spec.protocol === 1 || spec.protocol === 58) return icmpEchoFrame(spec.source, spec.destination);
  return buildIpFrame({ source: spec.source, destination: spec.destination, protocol: spec.protocol });
}

/** Why the reader skipped a record, as "frame N of FILE …" goes on. */
const SKIPPED_FRAME: Record<SkipReason, string> = {
  'unsupported-link-type': 'is not an Ethernet frame',
  'unknown-interface': 'is on an interface the capture does not describe',
  'malformed-packet-block': 'is a malformed packet block',
};

/**
 * Frame `number` (1-based, counting every record as Wireshark does) of a capture, read in chunks
 * until it is reached. The reader skips what it cannot use without returning it, so a frame it
 * skipped is found from the skip counts growing past `number`.
 */
export function frameOfCapture(file: string, number: number): Buffer {
  const reader = new CaptureReader();
  const chunk = Buffer.allocUnsafe(1 << 20);
  const { fd } = openToRead(file);
  const skipped = () => SKIP_REASONS.reduce((sum, reason) => sum + reader.skipped[reason], 0);
  const skippedFrame = (before: Record<SkipReason, number>) => {
    const reasons = SKIP_REASONS.filter((reason) => reader.skipped[reason] > before[reason]);
    // Named when the capture has one other link type: the reader may have read past the frame.
    const linkTypes = [...reader.skippedLinkTypes];
    const linkType = reasons.includes('unsupported-link-type') && linkTypes.length === 1 ? ` (link type ${linkTypes[0]})` : '';
    return new Error(`frame ${number} of ${file} ${reasons.map((reason) => SKIPPED_FRAME[reason]).join(' or ')}${linkType}`);
  };
  try {
    for (;;) {
      for (;;) {
        const before = { ...reader.skipped };
        const found = reader.next();
        const ordinal = reader.recordsRead + skipped();
        if (found && ordinal === number) return Buffer.from(reader.record.bytes());
        if (ordinal - (found ? 1 : 0) >= number) throw skippedFrame(before);
        if (!found) break;
      }
      if (reader.state === 'error') throw new Error(`${file}: ${reader.errorMessage} (${reader.error} at byte ${reader.errorOffset})`);
      if (reader.state === 'done') throw new Error(`${file} has only ${reader.recordsRead + skipped()} frames`);
      // The reader keeps a reference to a pushed chunk until it has parsed past it: a new buffer each time.
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) reader.end();
      else reader.push(Buffer.from(chunk.subarray(0, read)));
    }
  } finally {
    closeSync(fd);
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a frame number is an integer from 1');
  return n;
}

export function explainCommand(): Command {
  const command = new Command('explain')
    .description('say which session and rule would mirror one packet on an ENI, and why no other does')
    .requiredOption('--eni <id>', 'the source network interface')
    .addOption(new Option('--packet <spec>', "a 5-tuple with an arrow from source to destination, e.g. 'tcp 10.0.1.10:443 -> 10.0.9.9:51000'").conflicts(['capture', 'frame']))
    .addOption(new Option('--capture <file>', 'take the frame from this pcap or pcapng capture (with --frame)'))
    .addOption(new Option('--frame <n>', 'the frame number in the capture, 1-based as Wireshark numbers them').argParser(positiveInteger))
    .option('--json', 'print the explanation as JSON')
    .addHelpText('after', PACKET_SPEC_HELP);
  return withClientOptions(command).action(async (options: { eni: string; packet?: string; capture?: string; frame?: number; json?: boolean }, self: Command) => {
    const client = clientOptions(self);
    let frame: Buffer;
    if (options.packet !== undefined) {
      frame = frameOf(parsePacketSpec(options.packet));
    } else if (options.capture !== undefined && options.frame !== undefined) {
      frame = frameOfCapture(options.capture, options.frame);
    } else {
      throw new Error('give --packet SPEC, or --capture FILE with --frame N');
    }
    const answer = await send(client.endpoint, EXPLAIN_PATH, { query: { eni: options.eni }, headers: { 'content-type': 'application/octet-stream', authorization: authorization(client) }, body: frame });
    const explanation = JSON.parse(successText(answer)) as FrameExplanation & { warnings?: string[] };
    process.stdout.write(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : `${formatExplanation(explanation)}\n`);
  });
}
