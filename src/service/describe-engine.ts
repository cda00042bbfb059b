import type { Filter, Tag } from '../../model/ec2-types.js';
import type { StoredRecord, Table } from '../state/table.js';
import { invalidParameterValue } from '../protocol/api-error.js';
import type { CallContext } from './call-context.js';
import { invalidFilter, invalidParameterCombination, malformedId, notFound, type ResourceKind } from './errors.js';
import { isIdOf, type IdKind } from '../state/ids.js';
import { issueToken, queryDigest, readToken } from './pagination-token.js';
import { characters, compileWildcard, hasWildcard, matchesWildcard, type Wildcard } from './wildcard.js';

/**
 * The one Describe engine: every Describe operation hands it its resources, its filter table and the
 * request's IDs, filters and page parameters. Filters are ANDed, a filter's values ORed, `*` and `?`
 * are wildcards (backslash escapes), numbers and booleans compare as their decimal/text form, and
 * every Describe also understands `tag:<key>` and `tag-key`.
 */

export type FilterValue = string | number | boolean | undefined | null;

/** Filter name → the values an item has for it. */
export type FilterTable<T> = Record<string, (item: T) => FilterValue | readonly FilterValue[]>;

/** For a documented filter about something mirrorlite never has (a NAT gateway, an Outpost): accepted, matches nothing. */
export const matchesNothing = (): undefined => undefined;

export interface DescribeSource<T> {
  /** The resource kind, for NotFound and Malformed errors of a Describe by IDs. */
  kind?: ResourceKind & IdKind;
  /** Every item the caller can see, in result order. */
  all(): Iterable<T>;
  idOf(item: T): string;
  has(id: string): boolean;
  filters: FilterTable<T>;
  /** Enables `tag:<key>` and `tag-key`. */
  tagsOf(item: T): readonly Tag[] | undefined;
}

/** A Describe over one table's records as they are stored: most Describes are exactly that. */
export function tableSource<T extends StoredRecord>(
  table: Table<T>,
  kind: ResourceKind & IdKind,
  filters: FilterTable<T>,
  tagsOf: (item: T) => readonly Tag[] | undefined,
): DescribeSource<T> {
  return { kind, all: () => table.values(), idOf: (item) => table.idOf(item), has: (id) => table.has(id), filters, tagsOf };
}

export interface DescribeQuery {
  ids?: readonly string[];
  /** The IDs' parameter name, for the IDs + MaxResults error. */
  idsParameter?: string;
  filters?: readonly Filter[];
  maxResults?: number;
  nextToken?: string;
}

/** The members every Describe input has for the engine. */
interface DescribeInput {
  Filters?: Filter[];
  MaxResults?: number;
  NextToken?: string;
}

/** The names of an input's list-of-strings members: its IDs member is one of them. */
type IdsMember<I> = { [P in keyof I]-?: I[P] extends string[] | undefined ? P : never }[keyof I] & string;

/** A Describe input as the engine's query; `idsParameter` names its IDs member, if it has one. */
export function describeQuery<I extends DescribeInput, K extends IdsMember<I> = never>(input: I, idsParameter?: K): DescribeQuery {
  return {
    ids: idsParameter === undefined ? undefined : (input[idsParameter] as string[] | undefined),
    idsParameter,
    filters: input.Filters,
    maxResults: input.MaxResults,
    nextToken: input.NextToken,
  };
}

export interface DescribePage<T> {
  items: T[];
  nextToken?: string;
}

export function describe<T>(context: CallContext, source: DescribeSource<T>, query: DescribeQuery): DescribePage<T> {
  const ids = query.ids?.length ? [...new Set(query.ids)] : undefined;
  if (ids && query.maxResults !== undefined) {
    throw invalidParameterCombination(`The parameter ${query.idsParameter ?? 'Ids'} cannot be used with the parameter MaxResults`);
  }
  const matches = compileFilters(source, query.filters ?? []);
  const digest = () => tokenScope(context, ids, query.filters);
  const offset = query.nextToken ? readToken(context.tokenSecret, query.nextToken, digest()) : 0;

  let candidates: Iterable<T> = source.all();
  if (ids) {
    const kind = source.kind!;
    const malformed = ids.find((id) => !isIdOf(kind, id));
    if (malformed) throw malformedId(kind, malformed);
    const missing = ids.filter((id) => !source.has(id));
    if (missing.length) throw notFound(kind, missing);
    candidates = pickInOrder(source, new Set(ids));
  }

  const items: T[] = [];
  for (const item of candidates) if (matches(item)) items.push(item);
  if (query.maxResults === undefined) return { items: offset ? items.slice(offset) : items };
  const end = offset + query.maxResults;
  const page = items.slice(offset, end);
  return end < items.length ? { items: page, nextToken: issueToken(context.tokenSecret, end, digest()) } : { items: page };
}

/**
 * What a NextToken is bound to: the operation, account and region that issued it as well as its IDs
 * and filters. An offset means nothing anywhere else, and taken elsewhere would silently skip items.
 */
function tokenScope(context: CallContext, ids: readonly string[] | undefined, filters: readonly Filter[] | undefined): string {
  return queryDigest([context.operation, context.account, context.region, ids ?? null, filters ?? null]);
}

function* pickInOrder<T>(source: DescribeSource<T>, ids: ReadonlySet<string>): Generator<T> {
  for (const item of source.all()) if (ids.has(source.idOf(item))) yield item;
}

type Predicate<T> = (item: T) => boolean;

function compileFilters<T>(source: DescribeSource<T>, filters: readonly Filter[]): Predicate<T> {
  const predicates = filters.map((filter) => compileFilter(source, filter));
  if (predicates.length === 0) return () => true;
  return (item) => predicates.every((predicate) => predicate(item));
}

function compileFilter<T>(source: DescribeSource<T>, filter: Filter): Predicate<T> {
  const name = filter.Name;
  if (!name) throw invalidFilter('null');
  if (!filter.Values?.length) throw invalidParameterValue(`The filter '${name}' must have at least one value`);
  const valuesOf = filterAccessor(source, name);
  const accepts = compileValues(filter.Values);
  return (item) => {
    const values = valuesOf(item);
    if (Array.isArray(values)) return values.some((value) => value !== undefined && value !== null && accepts(String(value)));
    return values !== undefined && values !== null && accepts(String(values));
  };
}

function filterAccessor<T>(source: DescribeSource<T>, name: string): (item: T) => FilterValue | readonly FilterValue[] {
  if (Object.hasOwn(source.filters, name)) return source.filters[name]!;
  if (name === 'tag-key') return (item) => (source.tagsOf(item) ?? []).map((tag) => tag.Key);
  if (name.startsWith('tag:') && name.length > 4) {
    const key = name.slice(4);
    return (item) => (source.tagsOf(item) ?? []).filter((tag) => tag.Key === key).map((tag) => tag.Value ?? '');
  }
  throw invalidFilter(name);
}

/**
 * Exact values are a set look-up; values with wildcards are compiled here, once per request, and
 * matched in bounded time (wildcard.ts), never through a regular expression built from the value.
 */
function compileValues(values: readonly string[]): (value: string) => boolean {
  const exact = new Set<string>();
  const wildcards: Wildcard[] = [];
  for (const value of values) {
    if (hasWildcard(value)) wildcards.push(compileWildcard(value));
    else exact.add(value);
  }
  if (wildcards.length === 0) return (value) => exact.has(value);
  return (value) => {
    if (exact.has(value)) return true;
    const text = characters(value);
    return wildcards.some((wildcard) => matchesWildcard(wildcard, text));
  };
}
