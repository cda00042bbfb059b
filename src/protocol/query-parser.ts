import { ApiError, invalidParameterValue, invalidValueFor, unknownParameter } from './api-error.js';
import type { ServiceModel, Shape, ShapeRef } from './service-model.js';
import { inputMembersByWireName } from './wire-names.js';

/**
 * Turns the parameters of an EC2 Query request (`Name=value`, `List.N`, `Struct.Member`, in any
 * order) into the typed input of an operation, keyed by model member names.
 */

interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/** Indexes are 1-based decimal integers without leading zeros; nine digits is far past any list. */
const LIST_INDEX = /^[1-9][0-9]{0,8}$/;
const INTEGER = /^[-+]?[0-9]+$/;
const DECIMAL = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const EPOCH_SECONDS = /^[0-9]+(?:\.[0-9]+)?$/;

/** Builds the tree of dotted parameter names, refusing a name given twice. */
function buildTree(pairs: Iterable<[string, string]>, skip: ReadonlySet<string>): ParamNode {
  const root: ParamNode = { children: new Map() };
  for (const [key, value] of pairs) {
    if (skip.has(key)) continue;
    let node = root;
    for (const part of key.split('.')) {
      node.children ??= new Map();
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = {}));
      node = child;
    }
    if (node.value !== undefined) throw invalidParameterValue(`The parameter ${key} is specified more than once.`);
    node.value = value;
  }
  return root;
}

export function parseQueryInput(
  model: ServiceModel,
  inputShape: string | undefined,
  pairs: Iterable<[string, string]>,
  skip: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const root = buildTree(pairs, skip);
  if (!inputShape) {
    const first = root.children?.keys().next();
    if (first && !first.done) throw unknownParameter(first.value);
    return {};
  }
  return parseStructure(model, inputShape, root, '');
}

function joinPath(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** The first full parameter name under a node, for error messages. */
function firstKeyUnder(node: ParamNode, path: string): string {
  if (node.value !== undefined || !node.children?.size) return path;
  const [name, child] = node.children.entries().next().value as [string, ParamNode];
  return firstKeyUnder(child, joinPath(path, name));
}

function parseStructure(model: ServiceModel, shapeName: string, node: ParamNode, path: string): Record<string, unknown> {
  if (node.value !== undefined) throw unknownParameter(path);
  const members = inputMembersByWireName(model, shapeName);
  const out: Record<string, unknown> = {};
  for (const [wireName, child] of node.children ?? []) {
    const member = members.get(wireName);
    if (!member) throw unknownParameter(firstKeyUnder(child, joinPath(path, wireName)));
    out[member.memberName] = parseValue(model, member.ref, child, joinPath(path, wireName));
  }
  return out;
}

function parseValue(model: ServiceModel, ref: ShapeRef, node: ParamNode, path: string): unknown {
  const shape = model.shape(ref.shape);
  switch (shape.type) {
    case 'structure':
      return parseStructure(model, ref.shape, node, path);
    case 'list':
      return parseList(model, shape, node, path);
    case 'map':
      return parseMap(model, shape, node, path);
    default:
      if (node.children?.size) throw unknownParameter(firstKeyUnder(node, path));
      return parseScalar(shape, ref, node.value ?? '', path);
  }
}

/** EC2 flattens every list: `Name.1`, `Name.2`, … Gaps are allowed; order follows the index. */
function indexedChildren(node: ParamNode, path: string): ParamNode[] {
  if (node.value !== undefined) throw unknownParameter(path);
  const entries: [number, ParamNode][] = [];
  for (const [index, child] of node.children ?? []) {
    if (!LIST_INDEX.test(index)) throw unknownParameter(firstKeyUnder(child, joinPath(path, index)));
    entries.push([Number(index), child]);
  }
  return entries.sort((a, b) => a[0] - b[0]).map(([, child]) => child);
}

function parseList(model: ServiceModel, shape: Shape, node: ParamNode, path: string): unknown[] {
  const memberRef = shape.member!;
  return indexedChildren(node, path).map((child, i) => parseValue(model, memberRef, child, `${path}.${i + 1}`));
}

function parseMap(model: ServiceModel, shape: Shape, node: ParamNode, path: string): Record<string, unknown> {
  const keyName = shape.key!.locationName ?? 'key';
  const valueName = shape.value!.locationName ?? 'value';
  const out: Record<string, unknown> = {};
  indexedChildren(node, path).forEach((entry, i) => {
    const entryPath = `${path}.${i + 1}`;
    for (const name of entry.children?.keys() ?? []) {
      if (name !== keyName && name !== valueName) throw unknownParameter(`${entryPath}.${name}`);
    }
    const key = entry.children?.get(keyName)?.value;
    if (key === undefined) throw unknownParameter(entryPath);
    const valueNode = entry.children?.get(valueName) ?? { value: '' };
    out[key] = parseValue(model, shape.value!, valueNode, `${entryPath}.${valueName}`);
  });
  return out;
}

function parseScalar(shape: Shape, ref: ShapeRef, raw: string, path: string): unknown {
  switch (shape.type) {
    case 'string':
      // Characters XML cannot carry were refused when the form was decoded (query-form.ts).
      return raw;
    case 'integer':
    case 'long':
    case 'short':
    case 'byte': {
      const value = INTEGER.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(value)) throw invalidValueFor(path, raw, 'Expected an integer.');
      return value;
    }
    case 'float':
    case 'double': {
      if (raw === 'NaN') return NaN;
      if (raw === 'Infinity') return Infinity;
      if (raw === '-Infinity') return -Infinity;
      if (!DECIMAL.test(raw)) throw invalidValueFor(path, raw, 'Expected a number.');
      return Number(raw);
    }
    case 'boolean': {
      const lowered = raw.toLowerCase();
      if (lowered === 'true') return true;
      if (lowered === 'false') return false;
      throw invalidValueFor(path, raw, 'Expected true or false.');
    }
    case 'timestamp':
      return parseTimestamp(raw, path);
    case 'blob':
      if (!BASE64.test(raw)) throw invalidValueFor(path, raw, 'Expected base64-encoded data.');
      return Buffer.from(raw, 'base64');
    default:
      throw new ApiError('InvalidParameter', `The parameter ${path} has an unsupported type (${ref.shape}).`);
  }
}

/** EC2 accepts ISO 8601 (any offset, any fraction) and, as the SDKs may send, epoch seconds. */
function parseTimestamp(raw: string, path: string): Date {
  const millis = EPOCH_SECONDS.test(raw) ? Number(raw) * 1000 : /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(millis)) throw invalidValueFor(path, raw, 'Expected an ISO 8601 timestamp.');
  return new Date(millis);
}
