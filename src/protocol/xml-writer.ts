import type { ApiError } from './api-error.js';
import type { ServiceModel, Shape, ShapeRef, TimestampFormat, XmlNamespace } from './service-model.js';
import { outputElementName } from './wire-names.js';

/**
 * Serialises an operation's output (keyed by model member names) as an EC2 Query response:
 * `<XResponse xmlns=…><requestId/>…</XResponse>`, lists wrapped in their `locationName` with one
 * `<item>` per element, empty lists as empty elements, unset members left out.
 *
 * Each shape is compiled once into a writer function, so a response costs one walk of the value.
 */

type Writer = (value: unknown) => string;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NEEDS_ESCAPE = /[&<>\r]/;

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

function namespaceAttribute(namespace: XmlNamespace | string | undefined): string {
  if (!namespace) return '';
  if (typeof namespace === 'string') return ` xmlns="${escapeXml(namespace)}"`;
  return namespace.prefix ? ` xmlns:${namespace.prefix}="${escapeXml(namespace.uri)}"` : ` xmlns="${escapeXml(namespace.uri)}"`;
}

function formatTimestamp(date: Date, format: TimestampFormat): string {
  switch (format) {
    case 'unixTimestamp':
      return String(date.getTime() / 1000);
    case 'rfc822':
      return date.toUTCString();
    default: {
      const iso = date.toISOString();
      return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
    }
  }
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  return new Date(String(value));
}

export class XmlWriter {
  private readonly writers = new Map<string, Writer>();

  constructor(private readonly model: ServiceModel) {}

  response(operationName: string, output: Record<string, unknown> | undefined, requestId: string): string {
    const operation = this.model.operation(operationName);
    const root = `${operationName}Response`;
    const body = operation?.output && output ? this.structureBody(operation.output.shape)(output) : '';
    return `${XML_DECLARATION}<${root} xmlns="${this.model.xmlNamespace}"><requestId>${escapeXml(requestId)}</requestId>${body}</${root}>`;
  }

  /** The EC2 error envelope; note `RequestID`, not the `requestId` of success responses. */
  error(error: ApiError, requestId: string, errorShape?: string): string {
    let details = '';
    if (error.details) {
      // Code and Message are the envelope's own; an error shape's Message member is that one.
      const { Code: _code, Message: _message, ...extra } = error.details;
      details = errorShape
        ? this.structureBody(errorShape)(extra)
        : Object.entries(extra)
            .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
            .join('');
    }
    return (
      `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message>${details}</Error></Errors>` +
      `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
    );
  }

  /** The members of a structure without an enclosing element. */
  private structureBody(shapeName: string): Writer {
    return this.cached(`body:${shapeName}`, () => {
      const shape = this.model.shape(shapeName);
      const members = Object.entries(shape.members ?? {}).map(([memberName, ref]) => ({
        memberName,
        write: this.memberWriter(memberName, ref),
      }));
      return (value) => {
        const record = value as Record<string, unknown>;
        let xml = '';
        for (const { memberName, write } of members) {
          const memberValue = record[memberName];
          if (memberValue !== undefined && memberValue !== null) xml += write(memberValue);
        }
        return xml;
      };
    });
  }

  private memberWriter(memberName: string, ref: ShapeRef): Writer {
    const shape = this.model.shape(ref.shape);
    const name = outputElementName(memberName, ref);
    if (shape.type === 'list' && (ref.flattened || shape.flattened)) {
      const item = this.elementWriter(name, shape.member!, shape.member!.xmlNamespace ?? ref.xmlNamespace);
      return (value) => (value as unknown[]).map(item).join('');
    }
    if (shape.type === 'map' && (ref.flattened || shape.flattened)) {
      const entries = this.mapEntries(shape);
      return (value) => {
        const record = value as Record<string, unknown>;
        return Object.keys(record)
          .map((key) => `<${name}>${entries(key, record[key])}</${name}>`)
          .join('');
      };
    }
    // A shape's own xmlNamespace applies where it is the document root, never as a member.
    return this.elementWriter(name, ref, ref.xmlNamespace);
  }

  /** `<name>value</name>` for a value of the shape `ref` points to. */
  private elementWriter(name: string, ref: ShapeRef, namespace?: XmlNamespace | string): Writer {
    const open = `<${name}${namespaceAttribute(namespace)}>`;
    const empty = `<${name}${namespaceAttribute(namespace)}/>`;
    const close = `</${name}>`;
    const shapeName = ref.shape;
    const key = `element:${name}:${shapeName}:${ref.timestampFormat ?? ''}:${JSON.stringify(namespace ?? '')}`;
    return this.cached(key, () => {
      const inner = this.contentWriter(this.model.shape(shapeName), shapeName, ref);
      return (value) => {
        const content = inner(value);
        return content === '' ? empty : open + content + close;
      };
    });
  }

  /** What goes between the tags for a value of a shape. */
  private contentWriter(shape: Shape, shapeName: string, ref: ShapeRef): Writer {
    switch (shape.type) {
      case 'structure':
        return this.structureBody(shapeName);
      case 'list': {
        const memberRef = shape.member!;
        const item = this.elementWriter(memberRef.locationName ?? 'member', memberRef, memberRef.xmlNamespace);
        return (value) => (value as unknown[]).map(item).join('');
      }
      case 'map': {
        const entries = this.mapEntries(shape);
        return (value) => {
          const record = value as Record<string, unknown>;
          return Object.keys(record)
            .map((key) => `<entry>${entries(key, record[key])}</entry>`)
            .join('');
        };
      }
      case 'boolean':
        return (value) => (value ? 'true' : 'false');
      case 'timestamp': {
        const format = ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601';
        return (value) => formatTimestamp(toDate(value), format);
      }
      case 'blob':
        return (value) => Buffer.from(value as Uint8Array | string).toString('base64');
      case 'string':
        return (value) => escapeXml(String(value));
      default:
        return (value) => String(value);
    }
  }

  private mapEntries(shape: Shape): (key: string, value: unknown) => string {
    const keyName = shape.key!.locationName ?? 'key';
    const writeValue = this.elementWriter(shape.value!.locationName ?? 'value', shape.value!);
    return (key, value) => `<${keyName}>${escapeXml(key)}</${keyName}>${writeValue(value)}`;
  }

  /** Compiles lazily, so recursive shapes refer to their own writer without looping. */
  private cached(key: string, build: () => Writer): Writer {
    const existing = this.writers.get(key);
    if (existing) return existing;
    let compiled: Writer | undefined;
    const lazy: Writer = (value) => (compiled ??= build())(value);
    this.writers.set(key, lazy);
    return lazy;
  }
}
