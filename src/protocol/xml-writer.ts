import type { ApiError } from './api-error.js';
import type { ServiceModel, Shape, ShapeRef, TimestampFormat, XmlNamespace } from './service-model.js';
import { outputElementName } from './wire-names.js';
import { NOT_XML_CHARACTERS } from './xml-characters.js';

/**
 * Serialises an operation's output (keyed by model member names) as an EC2 Query response:
 * `<XResponse xmlns=…><requestId/>…</XResponse>`, lists wrapped in their `locationName` with one
 * `<item>` per element, empty lists as empty elements, unset members left out.
 *
 * A model whose protocol is `query` (awsQuery: STS) gets that protocol's envelopes instead:
 * `<XResponse xmlns=…><XResult>…</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>`
 * (the result element is the operation's `resultWrapper`) and
 * `<ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`; list
 * members are `<member>`, as the model's own names say. The members are written the same way.
 *
 * Each shape is compiled once into a writer function, so a response costs one walk of the value.
 * Stored records are frozen and never change, so the bytes of a frozen structure are written once
 * and reused: a Describe of unchanged resources is mostly a concatenation of cached bytes.
 */

/** Text and cached byte fragments, joined into one Buffer at the end. */
class XmlOutput {
  private readonly chunks: Buffer[] = [];
  private text = '';

  write(text: string): void {
    this.text += text;
  }

  writeBytes(bytes: Buffer): void {
    if (this.text) {
      this.chunks.push(Buffer.from(this.text));
      this.text = '';
    }
    this.chunks.push(bytes);
  }

  toBuffer(): Buffer {
    if (this.text) {
      this.chunks.push(Buffer.from(this.text));
      this.text = '';
    }
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
  }
}

type Writer = (value: unknown, out: XmlOutput) => void;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
// One character class, so the common case (nothing to escape) stays one fast scan; any surrogate
// (paired ones too, as in an emoji) sends the text to the exact replacement below.
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/**
 * Text as XML character data. A character XML cannot carry (only an error message echoing a
 * request could hold one: the Query reader refuses them) becomes U+FFFD, so that the response stays
 * XML that an SDK can parse.
 */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;')
    .replace(NOT_XML_CHARACTERS, '\uFFFD');
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

const isSet = (value: unknown) => value !== undefined && value !== null;

/** Text content of a scalar, or undefined when the element's content is not plain text. */
type TextOf = (value: unknown) => string;

export class XmlWriter {
  private readonly writers = new Map<string, Writer>();
  /** Per operation: the bytes of the EC2 envelope before the request ID and after the members. */
  private readonly ec2Envelopes = new Map<string, { opening: Buffer; closing: Buffer }>();
  /** awsQuery (STS) rather than EC2 Query: only the envelopes differ. */
  private readonly awsQuery: boolean;

  constructor(private readonly model: ServiceModel) {
    this.awsQuery = model.document.metadata.protocol === 'query';
  }

  response(operationName: string, output: Record<string, unknown> | undefined, requestId: string): Buffer {
    return this.envelope(operationName, requestId, this.outputMembers(operationName, output));
  }

  /** The output's members, serialised: the part of a response that does not depend on the request ID. */
  outputMembers(operationName: string, output: Record<string, unknown> | undefined): Buffer {
    const operation = this.model.operation(operationName);
    const out = new XmlOutput();
    if (operation?.output && output) this.structureBody(operation.output.shape)(output, out);
    return out.toBuffer();
  }

  /** `<?xml…?><XResponse xmlns=…><requestId>…</requestId>members</XResponse>` */
  envelope(operationName: string, requestId: string, members: Buffer): Buffer {
    return Buffer.concat(this.envelopeChunks(operationName, requestId, members));
  }

  /**
   * The envelope as chunks, so that a caller writing to a socket can send the members' bytes (often
   * cached) as they are, without copying them into one buffer first.
   */
  envelopeChunks(operationName: string, requestId: string, members: Buffer): Buffer[] {
    if (this.awsQuery) {
      const root = `${operationName}Response`;
      const wrapper = this.model.operation(operationName)?.output?.resultWrapper;
      const metadata = `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${root}>`;
      return [
        Buffer.from(`<${root} xmlns="${this.model.xmlNamespace}">${wrapper ? `<${wrapper}>` : ''}`),
        members,
        Buffer.from(`${wrapper ? `</${wrapper}>` : ''}${metadata}`),
      ];
    }
    const { opening, closing } = this.ec2Envelope(operationName);
    // Every success answer pays for this, so only the request ID is encoded per response; it goes
    // in unescaped, being always one of mirrorlite's own UUIDs.
    return [opening, Buffer.from(`${requestId}</requestId>`, 'latin1'), members, closing];
  }

  /** `<?xml…?><XResponse xmlns=…><requestId>` and `</XResponse>`, encoded once per operation. */
  private ec2Envelope(operationName: string): { opening: Buffer; closing: Buffer } {
    let envelope = this.ec2Envelopes.get(operationName);
    if (!envelope) {
      const root = `${operationName}Response`;
      envelope = {
        opening: Buffer.from(`${XML_DECLARATION}<${root} xmlns="${this.model.xmlNamespace}"><requestId>`),
        closing: Buffer.from(`</${root}>`),
      };
      // Only operations that answered reach here, and those are the model's: the map stays small.
      this.ec2Envelopes.set(operationName, envelope);
    }
    return envelope;
  }

  /** The EC2 error envelope; note `RequestID`, not the `requestId` of success responses. */
  error(error: ApiError, requestId: string, errorShape?: string): Buffer {
    if (this.awsQuery) return this.awsQueryError(error, requestId);
    const out = new XmlOutput();
    out.write(`${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>`);
    if (error.details) {
      // Code and Message are the envelope's own; an error shape's Message member is that one.
      const { Code: _code, Message: _message, ...extra } = error.details;
      if (errorShape) this.structureBody(errorShape)(extra, out);
      else for (const [name, value] of Object.entries(extra)) out.write(`<${name}>${escapeXml(String(value))}</${name}>`);
    }
    out.write(`</Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`);
    return out.toBuffer();
  }

  /**
   * The awsQuery error envelope, as STS answers: `Type` is `Sender` for the caller's mistakes (4xx),
   * `Receiver` for the service's (5xx), and the request ID follows the error.
   */
  private awsQueryError(error: ApiError, requestId: string): Buffer {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    return Buffer.from(
      `<ErrorResponse xmlns="${this.model.xmlNamespace}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
        `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`,
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
      return (value, out) => {
        const record = value as Record<string, unknown>;
        for (const { memberName, write } of members) {
          const memberValue = record[memberName];
          if (isSet(memberValue)) write(memberValue, out);
        }
      };
    });
  }

  private memberWriter(memberName: string, ref: ShapeRef): Writer {
    const shape = this.model.shape(ref.shape);
    const name = outputElementName(memberName, ref);
    if (shape.type === 'list' && (ref.flattened || shape.flattened)) {
      const item = this.elementWriter(name, shape.member!, shape.member!.xmlNamespace ?? ref.xmlNamespace);
      return (value, out) => {
        for (const element of value as unknown[]) item(element, out);
      };
    }
    if (shape.type === 'map' && (ref.flattened || shape.flattened)) {
      const entries = this.mapEntries(shape);
      return (value, out) => {
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) {
          out.write(`<${name}>`);
          entries(key, record[key], out);
          out.write(`</${name}>`);
        }
      };
    }
    // A shape's own xmlNamespace applies where it is the document root, never as a member.
    return this.elementWriter(name, ref, ref.xmlNamespace);
  }

  /** `<name>value</name>`, or `<name/>` when the value has no content, for the shape `ref` points to. */
  private elementWriter(name: string, ref: ShapeRef, namespace?: XmlNamespace | string): Writer {
    const attributes = namespaceAttribute(namespace);
    const open = `<${name}${attributes}>`;
    const empty = `<${name}${attributes}/>`;
    const close = `</${name}>`;
    const shapeName = ref.shape;
    const key = `element:${name}:${shapeName}:${ref.timestampFormat ?? ''}:${JSON.stringify(namespace ?? '')}`;
    return this.cached(key, () => {
      const shape = this.model.shape(shapeName);
      const textOf = this.scalarText(shape, ref);
      if (textOf) {
        return (value, out) => {
          const text = textOf(value);
          out.write(text === '' ? empty : open + text + close);
        };
      }
      const content = this.contentWriter(shape, shapeName);
      const isEmpty = emptiness(shape);
      const write: Writer = (value, out) => {
        if (isEmpty(value)) {
          out.write(empty);
          return;
        }
        out.write(open);
        content(value, out);
        out.write(close);
      };
      if (shape.type !== 'structure') return write;
      const written = new WeakMap<object, Buffer>();
      return (value, out) => {
        if (!Object.isFrozen(value)) {
          write(value, out);
          return;
        }
        let bytes = written.get(value as object);
        if (bytes === undefined) {
          const fragment = new XmlOutput();
          write(value, fragment);
          written.set(value as object, (bytes = fragment.toBuffer()));
        }
        out.writeBytes(bytes);
      };
    });
  }

  /** What goes between the tags of a list, map or structure. */
  private contentWriter(shape: Shape, shapeName: string): Writer {
    switch (shape.type) {
      case 'structure':
        return this.structureBody(shapeName);
      case 'list': {
        const memberRef = shape.member!;
        const item = this.elementWriter(memberRef.locationName ?? 'member', memberRef, memberRef.xmlNamespace);
        return (value, out) => {
          for (const element of value as unknown[]) item(element, out);
        };
      }
      case 'map': {
        const entries = this.mapEntries(shape);
        return (value, out) => {
          const record = value as Record<string, unknown>;
          for (const key of Object.keys(record)) {
            out.write('<entry>');
            entries(key, record[key], out);
            out.write('</entry>');
          }
        };
      }
      default:
        throw new Error(`shape ${shapeName} is not a container`);
    }
  }

  /** The text of a scalar value, or undefined for containers. */
  private scalarText(shape: Shape, ref: ShapeRef): TextOf | undefined {
    switch (shape.type) {
      case 'structure':
      case 'list':
      case 'map':
        return undefined;
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

  private mapEntries(shape: Shape): (key: string, value: unknown, out: XmlOutput) => void {
    const keyName = shape.key!.locationName ?? 'key';
    const writeValue = this.elementWriter(shape.value!.locationName ?? 'value', shape.value!);
    return (key, value, out) => {
      out.write(`<${keyName}>${escapeXml(key)}</${keyName}>`);
      writeValue(value, out);
    };
  }

  /** Compiles lazily, so recursive shapes refer to their own writer without looping. */
  private cached(key: string, build: () => Writer): Writer {
    const existing = this.writers.get(key);
    if (existing) return existing;
    let compiled: Writer | undefined;
    const lazy: Writer = (value, out) => (compiled ??= build())(value, out);
    this.writers.set(key, lazy);
    return lazy;
  }
}

/** Whether a container value has nothing to write inside its element (`<name/>`). */
function emptiness(shape: Shape): (value: unknown) => boolean {
  switch (shape.type) {
    case 'list':
      return (value) => (value as unknown[]).length === 0;
    case 'map':
      return (value) => Object.keys(value as object).length === 0;
    default: {
      const members = Object.keys(shape.members ?? {});
      return (value) => !members.some((member) => isSet((value as Record<string, unknown>)[member]));
    }
  }
}
