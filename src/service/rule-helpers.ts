import type { AttributeBooleanValue } from '../../model/ec2-types.js';
import { invalidValueFor, maxResultsOutOfRange, missingParameter } from '../protocol/api-error.js';
import type { MemberRule } from '../protocol/input-validator.js';
import { parseCidr, parseIp } from '../net/cidr.js';
import { MAX_IPV4_PREFIX, MIN_IPV4_PREFIX, parseIpv4Cidr } from './address-allocation.js';
import { invalidParameterCombination, notSupportedByMirrorlite } from './errors.js';

/** Building blocks for the validation table: each names the parameter and the value it refuses. */

export const integerBetween =
  (min: number, max: number): MemberRule =>
  (value, path) => {
    const n = value as number;
    if (n < min || n > max) throw invalidValueFor(path, n, `Valid values are ${min}-${max}.`);
  };

/** A page size the model leaves unbounded (DescribeTags'), checked and worded as the bounded ones are. */
export const pageSize =
  (min: number, max: number): MemberRule =>
  (value) => {
    const n = value as number;
    if (n < min || n > max) throw maxResultsOutOfRange(n, min, max);
  };

export const maxLength =
  (limit: number): MemberRule =>
  (value, path) => {
    if ([...(value as string)].length > limit) {
      throw invalidValueFor(path, `${(value as string).slice(0, 40)}…`, `It must be at most ${limit} characters long.`);
    }
  };

/** An IPv4 or IPv6 CIDR block; `family` narrows it to one. */
export const cidrBlock =
  (family?: 4 | 6): MemberRule =>
  (value, path) => {
    const cidr = parseCidr(value as string);
    if (!cidr || (family && cidr.family !== family)) throw invalidValueFor(path, value, 'This is not a valid CIDR block.');
  };

export const ipAddress =
  (family?: 4 | 6): MemberRule =>
  (value, path) => {
    const address = parseIp(value as string);
    if (!address || (family && address.family !== family)) throw invalidValueFor(path, value, 'This is not a valid IP address.');
  };

/** Idempotency tokens: "up to 64 ASCII characters" (EC2 idempotency guide). */
export const clientToken: MemberRule = (value, path) => {
  const token = value as string;
  if (token.length > 64 || !/^[\x20-\x7e]*$/.test(token)) {
    throw invalidValueFor(path, token, 'A client token is a case-sensitive string of up to 64 ASCII characters.');
  }
};

/**
 * Refuses a parameter of a feature mirrorlite does not emulate (IPAM, BYOIP pools, Outposts, prefix
 * delegation…), rather than ignoring it and answering something AWS would not. Asking explicitly
 * for the default (`false`, `0`) changes nothing and is accepted.
 */
export const notSupported: MemberRule = (value, path) => {
  if (value === false || value === 0) return;
  throw notSupportedByMirrorlite(path);
};

/**
 * An IPv4 block of /16 to /28, the sizes AWS allows for VPCs and subnets; `outOfRange` names the
 * error. An empty value is left to the structure rule, which reports the block as missing.
 */
export const ipv4BlockOfAllowedSize =
  (outOfRange: (cidr: string) => Error): MemberRule =>
  (value, path, input) => {
    if (value === '') return;
    cidrBlock(4)(value, path, input);
    const { prefixLength } = parseIpv4Cidr(value as string)!;
    if (prefixLength < MIN_IPV4_PREFIX || prefixLength > MAX_IPV4_PREFIX) throw outOfRange(value as string);
  };

/**
 * "You can only modify one attribute at a time" (ModifyVpcAttribute, ModifySubnetAttribute,
 * ModifyNetworkInterfaceAttribute): the one member of `attributes` that `input` sets. Two or more
 * are InvalidParameterCombination with the message EC2 gives for VPCs ("Fields for multiple
 * attribute types specified: enableDnsHostnames, enableDnsSupport"); none is MissingParameter.
 */
export function oneAttribute<I extends object, K extends keyof I & string>(input: I, attributes: readonly K[]): K {
  const given = attributes.filter((name) => input[name] !== undefined);
  if (given.length > 1) {
    const names = given.map((name) => name[0]!.toLowerCase() + name.slice(1));
    throw invalidParameterCombination(`Fields for multiple attribute types specified: ${names.join(', ')}`);
  }
  if (given.length === 0) throw missingParameter(`${attributes.slice(0, -1).join(', ')} or ${attributes.at(-1)}`);
  return given[0]!;
}

/** The value of an AttributeBooleanValue member (`Member.Value`), which a Modify call must give. */
export function attributeBoolean(attribute: AttributeBooleanValue, member: string): boolean {
  if (attribute.Value === undefined) throw missingParameter(`${member}.Value`);
  return attribute.Value;
}
