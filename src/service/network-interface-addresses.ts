import type {
  AssignIpv6AddressesRequest,
  AssignPrivateIpAddressesRequest,
  CreateNetworkInterfaceRequest,
  NetworkInterfaceIpv6Address,
  NetworkInterfacePrivateIpAddress,
  PrivateIpAddressSpecification,
} from '../../model/ec2-types.js';
import { formatIpv4, formatIpv6, ipv4CidrContains, ipv6CidrContains, parseIpv6, type Ipv4Cidr, type Ipv6Cidr } from '../net/cidr.js';
import { invalidParameterValue, invalidValueFor, missingParameter } from '../protocol/api-error.js';
import type { ExtraRules, MemberRule } from '../protocol/input-validator.js';
import type { NetworkInterfaceRecord, SubnetRecord } from '../state/records.js';
import { ipv4Number, isReservedIpv4, isReservedIpv6, lowestFreeIpv4, parseIpv4Cidr, parseIpv6Cidr, privateDnsName, randomFreeIpv6 } from './address-allocation.js';
import type { Handler, HandlerTable } from './call-context.js';
import { addressInUse, insufficientAddresses, invalidParameterCombination, privateIpAddressLimitExceeded } from './errors.js';
import { existing } from './lookups.js';
import { ipAddress, notSupported } from './rule-helpers.js';
import { addressHolders, subnetIpv6Block, type AddressHolder } from './subnets.js';

/**
 * The addresses of a network interface: those it gets when created, and those that
 * AssignPrivateIpAddresses, UnassignPrivateIpAddresses, AssignIpv6Addresses and
 * UnassignIpv6Addresses add and remove later (what Terraform's aws_network_interface calls when
 * private_ips, private_ips_count, ipv6_addresses or ipv6_address_count change). The data plane
 * takes an interface's direction from these addresses, so a change applies to the next packet.
 *
 * Where AWS documents no error, mirrorlite decides, and says so here:
 * - Neither addresses nor a count is MissingParameter naming both; both is
 *   InvalidParameterCombination ("You can't specify this parameter when also specifying…").
 * - An address the interface already holds is accepted and changes nothing; it is not listed among
 *   the assigned addresses (AssignIpv6Addresses: "Existing IPv6 addresses that were assigned to the
 *   network interface before the request are not included"; mirrorlite does the same for IPv4).
 * - Moving the primary address of another interface is InvalidIPAddress.InUse, with or without
 *   AllowReassignment: a primary address cannot leave its interface.
 * - An IPv6 address that is not the interface's is refused on UnassignIpv6Addresses with the same
 *   message EC2 gives for IPv4; the primary IPv6 address (EnablePrimaryIpv6) cannot be unassigned.
 */

/**
 * Addresses of one family on one interface: the most that any instance type allows (50 IPv4 and 50
 * IPv6). An unattached interface has no instance type to take a smaller limit from.
 */
const MAX_ADDRESSES_PER_FAMILY = 50;

const outsideSubnet = (address: string) => invalidParameterValue(`Address ${address} does not fall within the subnet's address range`);

/** The first four and the last address of a subnet are AWS's: EC2 refuses them as "invalid value for parameter address". */
const reservedAddress = (address: string) => invalidParameterValue(`invalid value for parameter address: ${address}`);

const givenTwice = (address: string) => invalidParameterValue(`The address ${address} is specified more than once.`);

const tooManyIpv6 = () => invalidParameterValue(`A network interface can have at most ${MAX_ADDRESSES_PER_FAMILY} IPv6 addresses.`);

const noIpv6Block = (subnetId: string) => invalidParameterValue(`The subnet '${subnetId}' has no IPv6 CIDR block to assign IPv6 addresses from.`);

/** EC2's answer when another interface holds a secondary address and AllowReassignment is not set. */
const moveNotAllowed = (addresses: readonly string[]) => invalidParameterValue(`[${addresses.join(', ')}] assigned, but move is not allowed.`);

/** EC2's answer to unassigning an address the interface does not have. */
const notAssigned = (networkInterfaceId: string) => invalidParameterValue(`Some of the specified addresses are not assigned to interface ${networkInterfaceId}`);

const primaryCannotBeUnassigned = (address: string, parameter: string, family: 'IP' | 'IPv6') =>
  invalidValueFor(parameter, address, `The primary ${family} address of an interface cannot be unassigned.`);

/** A requested IPv4 address of the subnet: inside its block and not one of the five reserved. */
function requestedIpv4(text: string, block: Ipv4Cidr): number {
  const address = ipv4Number(text)!;
  if (!ipv4CidrContains(block, address)) throw outsideSubnet(text);
  if (isReservedIpv4(block, address)) throw reservedAddress(text);
  return address;
}

/** A requested IPv6 address of the subnet's /64, in canonical text. */
function requestedIpv6(text: string, block: Ipv6Cidr): string {
  const words = parseIpv6(text)!;
  if (!ipv6CidrContains(block, words)) throw outsideSubnet(text);
  if (isReservedIpv6(words)) throw reservedAddress(text);
  return formatIpv6(words);
}

function subnetIpv6(subnet: SubnetRecord): Ipv6Cidr {
  const block = subnetIpv6Block(subnet);
  if (!block) throw noIpv6Block(subnet.SubnetId);
  return parseIpv6Cidr(block)!;
}

/**
 * The interface's private IPv4 addresses, primary first: PrivateIpAddress (or the PrivateIpAddresses
 * entry marked Primary), then the other listed addresses, then SecondaryPrivateIpAddressCount more.
 * EC2 picks the primary when none is given; it picks, as mirrorlite does, the lowest free addresses.
 */
export function initialIpv4Addresses(input: CreateNetworkInterfaceRequest, subnet: SubnetRecord, taken: ReadonlyMap<number, unknown>): string[] {
  const block = parseIpv4Cidr(subnet.CidrBlock)!;
  const listed = (input.PrivateIpAddresses ?? []).map((spec) => spec.PrivateIpAddress!);
  const primary = input.PrivateIpAddress ?? primaryOf(input.PrivateIpAddresses);
  const secondaries = listed.filter((address) => address !== primary);
  const requested = primary === undefined ? secondaries : [primary, ...secondaries];

  const wanted = new Set<number>();
  for (const text of requested) {
    const address = requestedIpv4(text, block);
    if (taken.has(address)) throw addressInUse(text);
    if (wanted.has(address)) throw givenTwice(text);
    wanted.add(address);
  }
  const automatic = (primary === undefined ? 1 : 0) + (input.SecondaryPrivateIpAddressCount ?? 0);
  if (requested.length + automatic > MAX_ADDRESSES_PER_FAMILY) throw privateIpAddressLimitExceeded(MAX_ADDRESSES_PER_FAMILY);
  const chosen = lowestFreeIpv4(block, new Set([...taken.keys(), ...wanted]), automatic)?.map(formatIpv4);
  if (!chosen) throw insufficientAddresses(subnet.SubnetId);
  return primary === undefined ? [chosen[0]!, ...secondaries, ...chosen.slice(1)] : [primary, ...secondaries, ...chosen];
}

export function primaryOf(specifications: readonly PrivateIpAddressSpecification[] | undefined): string | undefined {
  return specifications?.find((spec) => spec.Primary)?.PrivateIpAddress;
}

/** The interface's IPv6 addresses: the listed ones, or Ipv6AddressCount from the subnet's /64. */
export function initialIpv6Addresses(input: CreateNetworkInterfaceRequest, subnet: SubnetRecord, taken: ReadonlyMap<string, unknown>): string[] {
  const requested = (input.Ipv6Addresses ?? []).map((address) => address.Ipv6Address!);
  const count = input.Ipv6AddressCount ?? 0;
  if (requested.length === 0 && count === 0) return [];
  const block = subnetIpv6(subnet);
  if (requested.length + count > MAX_ADDRESSES_PER_FAMILY) throw tooManyIpv6();
  const wanted = new Set<string>();
  for (const text of requested) {
    const canonical = requestedIpv6(text, block);
    if (taken.has(canonical)) throw addressInUse(text);
    if (wanted.has(canonical)) throw givenTwice(text);
    wanted.add(canonical);
  }
  return [...wanted, ...randomFreeIpv6(block, new Set([...taken.keys(), ...wanted]), count)];
}

/** One private IPv4 address as an interface lists it. */
export function privateIpAddress(address: string, primary: boolean, region: string): NetworkInterfacePrivateIpAddress {
  return { Primary: primary, PrivateIpAddress: address, PrivateDnsName: privateDnsName(address, region) };
}

/** The listed addresses that are new to `eni`, each checked; secondaries of other interfaces to move when allowed. */
function listedIpv4(input: AssignPrivateIpAddressesRequest, eni: NetworkInterfaceRecord, block: Ipv4Cidr, holders: ReadonlyMap<number, AddressHolder>) {
  const added: number[] = [];
  const seen = new Set<number>();
  const moves = new Map<string, NetworkInterfaceRecord>();
  const denied: string[] = [];
  for (const text of input.PrivateIpAddresses!) {
    const address = requestedIpv4(text, block);
    if (seen.has(address)) throw givenTwice(text);
    seen.add(address);
    const holder = holders.get(address);
    if (holder?.eni.NetworkInterfaceId === eni.NetworkInterfaceId) continue;
    if (holder !== undefined) {
      if (holder.primary) throw addressInUse(text);
      if (input.AllowReassignment !== true) denied.push(text);
      moves.set(holder.eni.NetworkInterfaceId, holder.eni);
    }
    added.push(address);
  }
  if (denied.length > 0) throw moveNotAllowed(denied);
  return { added, moves: [...moves.values()] };
}

const assignPrivateIpAddresses: Handler<'AssignPrivateIpAddresses'> = (input, { partition, region }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  const subnet = partition.subnets.get(eni.SubnetId)!;
  const block = parseIpv4Cidr(subnet.CidrBlock)!;
  const holders = addressHolders(partition, subnet.SubnetId).ipv4;
  let added: number[];
  let moves: NetworkInterfaceRecord[] = [];
  if (input.PrivateIpAddresses !== undefined) {
    ({ added, moves } = listedIpv4(input, eni, block, holders));
  } else {
    const count = input.SecondaryPrivateIpAddressCount!;
    if (count > MAX_ADDRESSES_PER_FAMILY) throw privateIpAddressLimitExceeded(MAX_ADDRESSES_PER_FAMILY);
    added = lowestFreeIpv4(block, new Set(holders.keys()), count) ?? [];
    if (added.length < count) throw insufficientAddresses(subnet.SubnetId);
  }
  const own = eni.PrivateIpAddresses ?? [];
  if (own.length + added.length > MAX_ADDRESSES_PER_FAMILY) throw privateIpAddressLimitExceeded(MAX_ADDRESSES_PER_FAMILY);

  const texts = added.map(formatIpv4);
  const moving = new Set(texts);
  for (const from of moves) {
    partition.networkInterfaces.put({ ...from, PrivateIpAddresses: (from.PrivateIpAddresses ?? []).filter((a) => !moving.has(a.PrivateIpAddress!)) });
  }
  partition.networkInterfaces.put({ ...eni, PrivateIpAddresses: [...own, ...texts.map((address) => privateIpAddress(address, false, region))] });
  return { NetworkInterfaceId: eni.NetworkInterfaceId, AssignedPrivateIpAddresses: texts.map((PrivateIpAddress) => ({ PrivateIpAddress })) };
};

const unassignPrivateIpAddresses: Handler<'UnassignPrivateIpAddresses'> = (input, { partition }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  const own = new Map((eni.PrivateIpAddresses ?? []).map((a) => [ipv4Number(a.PrivateIpAddress!)!, a]));
  const removed = new Set<string>();
  for (const text of input.PrivateIpAddresses!) {
    const address = own.get(ipv4Number(text)!);
    if (address === undefined) throw notAssigned(eni.NetworkInterfaceId);
    if (address.Primary) throw primaryCannotBeUnassigned(text, 'privateIpAddress', 'IP');
    removed.add(address.PrivateIpAddress!);
  }
  partition.networkInterfaces.put({ ...eni, PrivateIpAddresses: [...own.values()].filter((a) => !removed.has(a.PrivateIpAddress!)) });
  return {};
};

/** A new IPv6 address of an interface: not its primary one (withPrimaryIpv6 decides that). */
export function ipv6Address(Ipv6Address: string): NetworkInterfaceIpv6Address {
  return { Ipv6Address, IsPrimaryIpv6: false };
}

/**
 * "When you enable an IPv6 GUA address to be a primary IPv6, the first IPv6 GUA will be made the
 * primary IPv6 address": once primary IPv6 is enabled, an interface without a primary IPv6 address
 * makes its first one primary (and its `Ipv6Address`).
 */
export function withPrimaryIpv6(eni: NetworkInterfaceRecord): NetworkInterfaceRecord {
  const addresses = eni.Ipv6Addresses ?? [];
  if (!eni.primaryIpv6Enabled || addresses.length === 0 || addresses.some((a) => a.IsPrimaryIpv6)) return eni;
  const [first, ...rest] = addresses;
  return { ...eni, Ipv6Address: first!.Ipv6Address, Ipv6Addresses: [{ ...first, IsPrimaryIpv6: true }, ...rest] };
}

const assignIpv6Addresses: Handler<'AssignIpv6Addresses'> = (input, { partition }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  const subnet = partition.subnets.get(eni.SubnetId)!;
  const block = subnetIpv6(subnet);
  const holders = addressHolders(partition, subnet.SubnetId).ipv6;
  const added = input.Ipv6Addresses !== undefined ? listedIpv6(input, eni, block, holders) : null;
  const count = added?.length ?? input.Ipv6AddressCount!;
  const own = eni.Ipv6Addresses ?? [];
  if (own.length + count > MAX_ADDRESSES_PER_FAMILY) throw tooManyIpv6();
  const assigned = added ?? randomFreeIpv6(block, new Set(holders.keys()), count);
  partition.networkInterfaces.put(withPrimaryIpv6({ ...eni, Ipv6Addresses: [...own, ...assigned.map(ipv6Address)] }));
  return { NetworkInterfaceId: eni.NetworkInterfaceId, AssignedIpv6Addresses: assigned };
};

/** The listed IPv6 addresses new to `eni`, in canonical text; another interface's is in use (IPv6 has no reassignment). */
function listedIpv6(input: AssignIpv6AddressesRequest, eni: NetworkInterfaceRecord, block: Ipv6Cidr, holders: ReadonlyMap<string, NetworkInterfaceRecord>): string[] {
  const added = new Set<string>();
  const seen = new Set<string>();
  for (const text of input.Ipv6Addresses!) {
    const canonical = requestedIpv6(text, block);
    if (seen.has(canonical)) throw givenTwice(text);
    seen.add(canonical);
    const holder = holders.get(canonical);
    if (holder?.NetworkInterfaceId === eni.NetworkInterfaceId) continue;
    if (holder !== undefined) throw addressInUse(text);
    added.add(canonical);
  }
  return [...added];
}

const unassignIpv6Addresses: Handler<'UnassignIpv6Addresses'> = (input, { partition }) => {
  const eni = existing(partition.networkInterfaces, 'network-interface', input.NetworkInterfaceId);
  const own = new Map((eni.Ipv6Addresses ?? []).map((a) => [a.Ipv6Address!, a]));
  const removed = new Set<string>();
  for (const text of input.Ipv6Addresses!) {
    const address = own.get(formatIpv6(parseIpv6(text)!));
    if (address === undefined) throw notAssigned(eni.NetworkInterfaceId);
    if (address.IsPrimaryIpv6) throw primaryCannotBeUnassigned(text, 'ipv6Addresses', 'IPv6');
    removed.add(address.Ipv6Address!);
  }
  partition.networkInterfaces.put({ ...eni, Ipv6Addresses: [...own.values()].filter((a) => !removed.has(a.Ipv6Address!)) });
  return { NetworkInterfaceId: eni.NetworkInterfaceId, UnassignedIpv6Addresses: [...removed] };
};

export const networkInterfaceAddressHandlers: HandlerTable = {
  AssignPrivateIpAddresses: assignPrivateIpAddresses,
  UnassignPrivateIpAddresses: unassignPrivateIpAddresses,
  AssignIpv6Addresses: assignIpv6Addresses,
  UnassignIpv6Addresses: unassignIpv6Addresses,
};

const eachIpAddress =
  (family: 4 | 6): MemberRule =>
  (value, path, input) => {
    (value as string[]).forEach((address, i) => ipAddress(family)(address, `${path}.${i + 1}`, input));
  };

const positive: MemberRule = (value, path) => {
  if ((value as number) < 1) throw invalidValueFor(path, value, 'It must be a positive number.');
};

/** Exactly one of the two ways to ask for addresses, a list or a count, each named [member, wire name]. */
function listOrCount(input: Record<string, unknown>, [list, listWire]: readonly [string, string], [count, countWire]: readonly [string, string]): void {
  if (input[list] !== undefined && input[count] !== undefined) throw invalidParameterCombination(`You can't specify both ${listWire} and ${countWire}.`);
  if (input[list] === undefined && input[count] === undefined) throw missingParameter(`${listWire} or ${countWire}`);
}

export const networkInterfaceAddressRules: ExtraRules = {
  members: {
    'AssignPrivateIpAddressesRequest.PrivateIpAddresses': eachIpAddress(4),
    'AssignPrivateIpAddressesRequest.SecondaryPrivateIpAddressCount': positive,
    'AssignPrivateIpAddressesRequest.Ipv4Prefixes': notSupported,
    'AssignPrivateIpAddressesRequest.Ipv4PrefixCount': notSupported,
    'UnassignPrivateIpAddressesRequest.PrivateIpAddresses': eachIpAddress(4),
    'UnassignPrivateIpAddressesRequest.Ipv4Prefixes': notSupported,
    'AssignIpv6AddressesRequest.Ipv6Addresses': eachIpAddress(6),
    'AssignIpv6AddressesRequest.Ipv6AddressCount': positive,
    'AssignIpv6AddressesRequest.Ipv6Prefixes': notSupported,
    'AssignIpv6AddressesRequest.Ipv6PrefixCount': notSupported,
    'UnassignIpv6AddressesRequest.Ipv6Addresses': eachIpAddress(6),
    'UnassignIpv6AddressesRequest.Ipv6Prefixes': notSupported,
  },
  structures: {
    // "You must specify either the IP addresses or the IP address count in the request."
    AssignPrivateIpAddressesRequest: (input) =>
      listOrCount(input, ['PrivateIpAddresses', 'PrivateIpAddress'], ['SecondaryPrivateIpAddressCount', 'SecondaryPrivateIpAddressCount']),
    AssignIpv6AddressesRequest: (input) => listOrCount(input, ['Ipv6Addresses', 'Ipv6Addresses'], ['Ipv6AddressCount', 'Ipv6AddressCount']),
    UnassignPrivateIpAddressesRequest: (input) => {
      if (input.PrivateIpAddresses === undefined) throw missingParameter('PrivateIpAddress');
    },
    UnassignIpv6AddressesRequest: (input) => {
      if (input.Ipv6Addresses === undefined) throw missingParameter('Ipv6Addresses');
    },
  },
};
