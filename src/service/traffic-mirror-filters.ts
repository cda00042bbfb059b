import type { TrafficMirrorFilter, TrafficMirrorNetworkService } from '../../model/ec2-types.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { TrafficMirrorFilterRecord } from '../state/records.js';
import type { Handler, HandlerTable } from './call-context.js';
import { idempotent } from './client-token.js';
import { describe, describeQuery, tableSource, type FilterTable } from './describe-engine.js';
import { filterInUse, invalidParameterCombination, limitExceeded } from './errors.js';
import { MAX_DESCRIPTION_LENGTH } from './filter-rule-checks.js';
import { newId } from '../state/ids.js';
import { existing } from './lookups.js';
import { maxLength } from './rule-helpers.js';
import { tagsFromSpecifications } from './tagging.js';
import { rulesOfFilter, ruleView } from './traffic-mirror-filter-rules.js';

/** Traffic mirror filters: a description, network services and tags; their rules live in their own table. */

/** A filter as the API shows it, with its rule sets gathered from the rules table. */
export function filterView(partition: Partition, filter: TrafficMirrorFilterRecord): TrafficMirrorFilter {
  const { seq: _seq, ...members } = filter;
  const rules = rulesOfFilter(partition, filter.TrafficMirrorFilterId).map(ruleView);
  return {
    ...members,
    IngressFilterRules: rules.filter((rule) => rule.TrafficDirection === 'ingress'),
    EgressFilterRules: rules.filter((rule) => rule.TrafficDirection === 'egress'),
  };
}

const createTrafficMirrorFilter: Handler<'CreateTrafficMirrorFilter'> = (input, context) =>
  idempotent(context, input, () => {
    const { partition, config } = context;
    const filters = partition.trafficMirrorFilters;
    if (filters.size >= config.quotas.filtersPerAccount) {
      throw limitExceeded(
        'TrafficMirrorFilterLimitExceeded',
        `The maximum number of Traffic Mirror filters (${config.quotas.filtersPerAccount}) has been reached.`,
      );
    }
    const id = newId('traffic-mirror-filter', (taken) => filters.has(taken));
    const filter = filters.put({
      TrafficMirrorFilterId: id,
      Description: input.Description,
      NetworkServices: [],
      Tags: tagsFromSpecifications(input.TagSpecifications, 'traffic-mirror-filter', config.quotas.tagsPerResource),
      seq: partition.nextSeq(),
    });
    return { TrafficMirrorFilter: filterView(partition, filter) };
  });

/** The Describe filters, by name. */
export const TRAFFIC_MIRROR_FILTER_FILTERS: FilterTable<TrafficMirrorFilterRecord> = {
  description: (f) => f.Description,
  'traffic-mirror-filter-id': (f) => f.TrafficMirrorFilterId,
};

const describeTrafficMirrorFilters: Handler<'DescribeTrafficMirrorFilters'> = (input, context) => {
  const page = describe(context, tableSource(context.partition.trafficMirrorFilters, 'traffic-mirror-filter', TRAFFIC_MIRROR_FILTER_FILTERS, (f) => f.Tags), describeQuery(input, 'TrafficMirrorFilterIds'));
  return { TrafficMirrorFilters: page.items.map((filter) => filterView(context.partition, filter)), NextToken: page.nextToken };
};

/** "You cannot delete a Traffic Mirror filter that is in use by a Traffic Mirror session." Its rules go with it. */
const deleteTrafficMirrorFilter: Handler<'DeleteTrafficMirrorFilter'> = (input, context) => {
  const { partition } = context;
  const id = existing(partition.trafficMirrorFilters, 'traffic-mirror-filter', input.TrafficMirrorFilterId).TrafficMirrorFilterId;
  if (partition.sessionsByFilter.has(id)) throw filterInUse(id);
  for (const ruleId of [...partition.rulesByFilter.ids(id)]) partition.trafficMirrorFilterRules.delete(ruleId);
  partition.trafficMirrorFilters.delete(id);
  return { TrafficMirrorFilterId: id };
};

/** NetworkServices is a set: adding a present service or removing an absent one changes nothing. */
const modifyTrafficMirrorFilterNetworkServices: Handler<'ModifyTrafficMirrorFilterNetworkServices'> = (input, context) => {
  const { partition } = context;
  const filter = existing(partition.trafficMirrorFilters, 'traffic-mirror-filter', input.TrafficMirrorFilterId);
  const services = new Set(filter.NetworkServices);
  for (const service of input.AddNetworkServices ?? []) services.add(service);
  for (const service of input.RemoveNetworkServices ?? []) services.delete(service);
  const modified = partition.trafficMirrorFilters.put({ ...filter, NetworkServices: [...services] });
  return { TrafficMirrorFilter: filterView(partition, modified) };
};

export const trafficMirrorFilterHandlers: HandlerTable = {
  CreateTrafficMirrorFilter: createTrafficMirrorFilter,
  DescribeTrafficMirrorFilters: describeTrafficMirrorFilters,
  DeleteTrafficMirrorFilter: deleteTrafficMirrorFilter,
  ModifyTrafficMirrorFilterNetworkServices: modifyTrafficMirrorFilterNetworkServices,
};

export const trafficMirrorFilterRules: ExtraRules = {
  members: {
    'CreateTrafficMirrorFilterRequest.Description': maxLength(MAX_DESCRIPTION_LENGTH),
  },
  structures: {
    // Adding and removing one service in one call has no single meaning: refused, not guessed.
    ModifyTrafficMirrorFilterNetworkServicesRequest: (input) => {
      const removed = new Set(input.RemoveNetworkServices as TrafficMirrorNetworkService[] | undefined);
      const both = (input.AddNetworkServices as TrafficMirrorNetworkService[] | undefined)?.find((service) => removed.has(service));
      if (both) throw invalidParameterCombination(`The network service '${both}' cannot be both added and removed.`);
    },
  },
};
