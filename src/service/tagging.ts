import type { ResourceType, Tag, TagSpecification } from '../../model/ec2-types.js';
import { invalidParameterValue } from '../protocol/api-error.js';
import { invalidTagKey, tagLimitExceeded } from './errors.js';

/**
 * Tags on every resource: through TagSpecifications when it is created, then CreateTags/DeleteTags.
 * EC2's rules: keys 1-127 characters, not starting with `aws:`; values up to 256; case-sensitive.
 */

export const MAX_KEY_LENGTH = 127;
export const MAX_VALUE_LENGTH = 256;

export function checkTags(tags: readonly Tag[]): Tag[] {
  const keys = new Set<string>();
  return tags.map((tag) => {
    const key = tag.Key ?? '';
    if (key === '' || key.toLowerCase().startsWith('aws:')) throw invalidTagKey(key);
    if ([...key].length > MAX_KEY_LENGTH) throw invalidParameterValue(`Tag key exceeds the maximum length of ${MAX_KEY_LENGTH} characters: '${key}'`);
    const value = tag.Value ?? '';
    if ([...value].length > MAX_VALUE_LENGTH) {
      throw invalidParameterValue(`Tag value exceeds the maximum length of ${MAX_VALUE_LENGTH} characters for key '${key}'`);
    }
    if (keys.has(key)) throw invalidParameterValue(`Duplicate tag key '${key}' specified.`);
    keys.add(key);
    return { Key: key, Value: value };
  });
}

/**
 * The tags a Create call's TagSpecifications give the resource of type `resourceType`. Too many is
 * refused without naming the resource: the refusal rolls the create back, so its ID never exists.
 */
export function tagsFromSpecifications(specifications: readonly TagSpecification[] | undefined, resourceType: ResourceType, limit: number): Tag[] {
  if (!specifications?.length) return [];
  const seen = new Set<string>();
  const tags: Tag[] = [];
  for (const specification of specifications) {
    const type = specification.ResourceType;
    if (!type) throw invalidParameterValue('Tag specification resource type must have a value');
    if (type !== resourceType) throw invalidParameterValue(`'${type}' is not a valid taggable resource type for this operation.`);
    if (seen.has(type)) throw invalidParameterValue(`The resource type '${type}' is specified more than once in the tag specifications.`);
    seen.add(type);
    tags.push(...(specification.Tags ?? []));
  }
  const checked = checkTags(tags);
  if (checked.length > limit) throw tagLimitExceeded(limit);
  return checked;
}

/** Adds or overwrites tags by key. */
export function withTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((tag) => [tag.Key, tag]));
  for (const tag of added) byKey.set(tag.Key, { Key: tag.Key, Value: tag.Value ?? '' });
  return [...byKey.values()];
}

/**
 * DeleteTags semantics: a tag given with a value is removed only when the value matches; given
 * without one, it is removed whatever its value; no tags at all removes every tag.
 */
export function withoutTags(existing: readonly Tag[], removed: readonly Tag[] | undefined): Tag[] {
  if (!removed?.length) return [];
  return existing.filter(
    (tag) => !removed.some((gone) => gone.Key === tag.Key && (gone.Value === undefined || gone.Value === tag.Value)),
  );
}
