import type { AvailabilityZone } from '../../model/ec2-types.js';
import { ApiError } from '../protocol/api-error.js';
import type { Handler, HandlerTable } from './call-context.js';
import { describe, matchesNothing, type DescribeSource, type FilterTable } from './describe-engine.js';
import { zoneGroupLongName, zonesOf } from './regions.js';

/**
 * DescribeAvailabilityZones: the caller's region's zones, from the table CreateSubnet checks
 * (regions.ts), as AWS describes an Availability Zone: available, opt-in not required, in the
 * region's zone group (`us-east-1-zg-1`) and network border group (the region). mirrorlite has no
 * Local Zones or Wavelength Zones, so AllAvailabilityZones adds nothing.
 */

type ZoneView = AvailabilityZone & Required<Pick<AvailabilityZone, 'ZoneName' | 'ZoneId'>>;

const describedZones = new Map<string, readonly ZoneView[]>();

/** The region's zones as the API describes them; frozen, so their bytes are written once. */
function zonesDescribed(region: string): readonly ZoneView[] {
  let zones = describedZones.get(region);
  if (!zones) {
    const GroupLongName = zoneGroupLongName(region);
    zones = Object.freeze(
      zonesOf(region).map((zone) =>
        Object.freeze({
          OptInStatus: 'opt-in-not-required',
          Messages: [],
          RegionName: region,
          ZoneName: zone.AvailabilityZone,
          ZoneId: zone.AvailabilityZoneId,
          GroupName: `${region}-zg-1`,
          NetworkBorderGroup: region,
          ZoneType: 'availability-zone',
          ...(GroupLongName ? { GroupLongName } : {}),
          State: 'available',
        } satisfies ZoneView),
      ),
    );
    describedZones.set(region, zones);
  }
  return zones;
}

/** The filters the API reference documents, by name. Parent zones exist only for Local and Wavelength Zones. */
export const AVAILABILITY_ZONE_FILTERS: FilterTable<ZoneView> = {
  'group-long-name': (z) => z.GroupLongName,
  'group-name': (z) => z.GroupName,
  message: (z) => (z.Messages ?? []).map((m) => m.Message),
  'opt-in-status': (z) => z.OptInStatus,
  'parent-zone-id': matchesNothing,
  'parent-zone-name': matchesNothing,
  'region-name': (z) => z.RegionName,
  state: (z) => z.State,
  'zone-id': (z) => z.ZoneId,
  'zone-name': (z) => z.ZoneName,
  'zone-type': (z) => z.ZoneType,
};

/**
 * A zone that is not the region's: EC2's words for an unknown zone name ("Invalid availability zone:
 * [us-east-1z]", InvalidParameterValue), the first unknown one in request order. Decided: an unknown
 * zone ID is worded the same way, as `zone-id`. (Kept here rather than in errors.ts, which this
 * change leaves to its owners.)
 */
const invalidZone = (kind: 'zone' | 'zone-id', value: string) =>
  new ApiError('InvalidParameterValue', `Invalid availability ${kind}: [${value}]`);

/**
 * ZoneNames and ZoneIds pick zones (both given: the zones either names, as the filters' values are
 * ORed); Filters then narrow them. A zone of another region is unknown here, as in EC2.
 */
const describeAvailabilityZones: Handler<'DescribeAvailabilityZones'> = (input, context) => {
  const zones = zonesDescribed(context.region);
  const names = input.ZoneNames ?? [];
  const ids = input.ZoneIds ?? [];
  const unknownName = names.find((name) => !zones.some((z) => z.ZoneName === name));
  if (unknownName !== undefined) throw invalidZone('zone', unknownName);
  const unknownId = ids.find((id) => !zones.some((z) => z.ZoneId === id));
  if (unknownId !== undefined) throw invalidZone('zone-id', unknownId);
  const picked = names.length || ids.length ? zones.filter((z) => names.includes(z.ZoneName) || ids.includes(z.ZoneId)) : zones;
  const source: DescribeSource<ZoneView> = {
    all: () => picked,
    idOf: (z) => z.ZoneName,
    has: (name) => picked.some((z) => z.ZoneName === name),
    filters: AVAILABILITY_ZONE_FILTERS,
    // Zones carry no tags: `tag:<key>` and `tag-key` are accepted, as on every Describe, and match nothing.
    tagsOf: () => undefined,
  };
  return { AvailabilityZones: describe(context, source, { filters: input.Filters }).items };
};

export const availabilityZoneHandlers: HandlerTable = {
  DescribeAvailabilityZones: describeAvailabilityZones,
};
