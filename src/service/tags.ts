import type { ResourceType, Tag, TagDescription } from '../../model/ec2-types.js';
import { invalidParameterValue } from '../protocol/api-error.js';
import type { ExtraRules } from '../protocol/input-validator.js';
import type { Partition } from '../state/partition.js';
import type { StoredRecord, Table } from '../state/table.js';
import type { Handler, HandlerTable } from './call-context.js';
import { describe, describeQuery, type DescribeSource, type FilterTable } from './describe-engine.js';
import { invalidId, notFound, tagLimitExceeded, type ResourceKind } from './errors.js';
import { kindOfId } from '../state/ids.js';
import { checkTags, withoutTags, withTags } from './tagging.js';

/**
 * CreateTags, DeleteTags and DescribeTags over every resource mirrorlite keeps. Each taggable kind
 * says where its tags live: most resources call the member `Tags`, a network interface `TagSet`.
 */

interface Taggable {
  resourceType: ResourceType;
  table(partition: Partition): Table<StoredRecord>;
  tagsMember: 'Tags' | 'TagSet';
}

/** The kinds mirrorlite derives from a VPC rather than stores (src/service/vpc-defaults.ts) have no tags to keep. */
type DerivedKind = 'route-table' | 'network-acl';
const DERIVED_NOUNS: Record<DerivedKind, string> = { 'route-table': 'route table', 'network-acl': 'network ACL' };

const TAGGABLE: Record<Exclude<ResourceKind, DerivedKind>, Taggable> = {
  vpc: { resourceType: 'vpc', table: (p) => p.vpcs as never, tagsMember: 'Tags' },
  subnet: { resourceType: 'subnet', table: (p) => p.subnets as never, tagsMember: 'Tags' },
  'security-group': { resourceType: 'security-group', table: (p) => p.securityGroups as never, tagsMember: 'Tags' },
  'security-group-rule': { resourceType: 'security-group-rule', table: (p) => p.securityGroupRules as never, tagsMember: 'Tags' },
  'network-interface': { resourceType: 'network-interface', table: (p) => p.networkInterfaces as never, tagsMember: 'TagSet' },
  'traffic-mirror-session': { resourceType: 'traffic-mirror-session', table: (p) => p.trafficMirrorSessions as never, tagsMember: 'Tags' },
  'traffic-mirror-target': { resourceType: 'traffic-mirror-target', table: (p) => p.trafficMirrorTargets as never, tagsMember: 'Tags' },
  'traffic-mirror-filter': { resourceType: 'traffic-mirror-filter', table: (p) => p.trafficMirrorFilters as never, tagsMember: 'Tags' },
  'traffic-mirror-filter-rule': {
    resourceType: 'traffic-mirror-filter-rule',
    table: (p) => p.trafficMirrorFilterRules as never,
    tagsMember: 'Tags',
  },
};

interface TaggedResource {
  taggable: Taggable;
  record: StoredRecord & Record<string, unknown>;
}

/** The resource an ID names, or InvalidID (no known kind) / the kind's NotFound. */
function resource(partition: Partition, id: string): TaggedResource {
  const kind = kindOfId(id);
  if (kind !== undefined && Object.hasOwn(DERIVED_NOUNS, kind)) {
    const noun = DERIVED_NOUNS[kind as DerivedKind];
    throw invalidParameterValue(`Tags on ${noun}s are not supported by mirrorlite: it derives each VPC's default ${noun} and keeps no tags for it.`);
  }
  if (!kind || !Object.hasOwn(TAGGABLE, kind)) throw invalidId(id);
  const taggable = TAGGABLE[kind as keyof typeof TAGGABLE];
  const record = taggable.table(partition).get(id) as TaggedResource['record'] | undefined;
  if (!record) throw notFound(kind as ResourceKind, id);
  return { taggable, record };
}

function tagsOf({ taggable, record }: TaggedResource): Tag[] {
  return (record[taggable.tagsMember] as Tag[] | undefined) ?? [];
}

function retag({ taggable, record }: TaggedResource, partition: Partition, tags: Tag[]): void {
  taggable.table(partition).put({ ...record, [taggable.tagsMember]: tags });
}

const createTags: Handler<'CreateTags'> = (input, context) => {
  const { partition, config } = context;
  const tags = checkTags(input.Tags);
  for (const target of input.Resources.map((id) => resource(partition, id))) {
    const merged = withTags(tagsOf(target), tags);
    if (merged.length > config.quotas.tagsPerResource) {
      throw tagLimitExceeded(config.quotas.tagsPerResource, target.taggable.table(partition).idOf(target.record));
    }
    retag(target, partition, merged);
  }
  return {};
};

const deleteTags: Handler<'DeleteTags'> = (input, context) => {
  const { partition } = context;
  for (const target of input.Resources.map((id) => resource(partition, id))) {
    retag(target, partition, withoutTags(tagsOf(target), input.Tags));
  }
  return {};
};

/** One row per tag of every resource, resources in creation order. */
/** The Describe filters, by name. */
export const TAG_FILTERS: FilterTable<TagDescription & { resourceTags: Tag[] }> = {
  key: (row) => row.Key,
  value: (row) => row.Value,
  'resource-id': (row) => row.ResourceId,
  'resource-type': (row) => row.ResourceType,
};

function tagDescriptions(partition: Partition): DescribeSource<TagDescription & { resourceTags: Tag[] }> {
  return {
    all: function* () {
      const resources: TaggedResource[] = [];
      for (const taggable of Object.values(TAGGABLE)) {
        for (const record of taggable.table(partition).values()) resources.push({ taggable, record: record as TaggedResource['record'] });
      }
      resources.sort((a, b) => a.record.seq - b.record.seq);
      for (const item of resources) {
        const tags = tagsOf(item);
        const id = item.taggable.table(partition).idOf(item.record);
        for (const tag of tags) {
          yield { Key: tag.Key, Value: tag.Value ?? '', ResourceId: id, ResourceType: item.taggable.resourceType, resourceTags: tags };
        }
      }
    },
    idOf: (row) => `${row.ResourceId}/${row.Key}`,
    has: () => false,
    // `tag:<key>` selects the tags of resources that carry that tag (DescribeTags' own semantics).
    tagsOf: (row) => row.resourceTags,
    filters: TAG_FILTERS,
  };
}

const describeTags: Handler<'DescribeTags'> = (input, context) => {
  const page = describe(context, tagDescriptions(context.partition), describeQuery(input));
  return {
    Tags: page.items.map(({ Key, Value, ResourceId, ResourceType }) => ({ Key, Value, ResourceId, ResourceType })),
    NextToken: page.nextToken,
  };
};

export const tagHandlers: HandlerTable = {
  CreateTags: createTags,
  DeleteTags: deleteTags,
  DescribeTags: describeTags,
};

export const tagRules: ExtraRules = {};
