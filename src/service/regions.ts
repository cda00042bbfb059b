/**
 * Regions as mirrorlite knows them: each one's Availability Zones (the one table CreateSubnet checks
 * and DescribeAvailabilityZones answers from) and its ARN partition.
 *
 * The zones are the ones a new account sees in the common regions. AWS maps zone names to zone IDs
 * differently per account; mirrorlite maps them the same way everywhere, in the order of the lists
 * below: the region's first zone has the first ID, and so on. The IDs are the ones that exist in the
 * region (us-west-1 has usw1-az1 and usw1-az3; ap-northeast-1 has apne1-az1, az2 and az4).
 *
 * Decided: a region the table does not list has three zones, `a` to `c` (`<prefix>-az1` to `az3`),
 * which is what most AWS regions give a new account.
 */

interface RegionZones {
  /** The zone letters, in order. */
  letters: string;
  /** The number of each zone's ID (`use1-az<n>`), in the same order; 1, 2, 3, … when absent. */
  ids?: readonly number[];
  /** The region's name in the console, for the zone group's long name (`US East (N. Virginia) 1`). */
  longName?: string;
}

const REGION_ZONES: Readonly<Record<string, RegionZones>> = {
  'us-east-1': { letters: 'abcdef', longName: 'US East (N. Virginia)' },
  'us-east-2': { letters: 'abc', longName: 'US East (Ohio)' },
  'us-west-1': { letters: 'bc', ids: [1, 3], longName: 'US West (N. California)' },
  'us-west-2': { letters: 'abcd', longName: 'US West (Oregon)' },
  'eu-west-1': { letters: 'abc', longName: 'Europe (Ireland)' },
  'eu-central-1': { letters: 'abc', longName: 'Europe (Frankfurt)' },
  'ap-southeast-1': { letters: 'abc', longName: 'Asia Pacific (Singapore)' },
  'ap-northeast-1': { letters: 'acd', ids: [1, 2, 4], longName: 'Asia Pacific (Tokyo)' },
};

/** Decided: the zones of a region the table does not list. */
const DEFAULT_ZONES: RegionZones = { letters: 'abc' };

/** Region words that AZ IDs shorten to two letters; every other word shortens to its first letter. */
const COMPOUND_DIRECTIONS: Record<string, string> = { northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw' };

/**
 * AZ IDs in AWS's documented shape, `use1-az1` for us-east-1: the region's country code, one or two
 * letters per direction word, its number.
 */
function zoneIdPrefix(region: string): string {
  return region
    .split('-')
    .map((word, i) => (i === 0 || /^\d+$/.test(word) ? word : (COMPOUND_DIRECTIONS[word] ?? word[0])))
    .join('');
}

/** A zone as a subnet (and an interface) carries it. */
export interface Zone {
  AvailabilityZone: string;
  AvailabilityZoneId: string;
}

const zoneCache = new Map<string, readonly Zone[]>();

/** The region's Availability Zones, in name order. */
export function zonesOf(region: string): readonly Zone[] {
  let zones = zoneCache.get(region);
  if (!zones) {
    const { letters, ids } = REGION_ZONES[region] ?? DEFAULT_ZONES;
    const prefix = zoneIdPrefix(region);
    zones = Object.freeze(
      [...letters].map((letter, i) => Object.freeze({ AvailabilityZone: `${region}${letter}`, AvailabilityZoneId: `${prefix}-az${ids?.[i] ?? i + 1}` })),
    );
    zoneCache.set(region, zones);
  }
  return zones;
}

/** The long name of the region's zone group (`US East (N. Virginia) 1`), where the table knows it. */
export function zoneGroupLongName(region: string): string | undefined {
  const longName = REGION_ZONES[region]?.longName;
  return longName && `${longName} 1`;
}

/** The ARN partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function arnPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
