import { readFileSync } from 'node:fs';

/** The parts of a botocore-style service model that the EC2 protocol needs. */
export interface ShapeRef {
  shape: string;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  idempotencyToken?: boolean;
  timestampFormat?: TimestampFormat;
  xmlNamespace?: XmlNamespace;
  xmlAttribute?: boolean;
}

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

export interface XmlNamespace {
  prefix?: string;
  uri: string;
}

export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'blob';

export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  flattened?: boolean;
  timestampFormat?: TimestampFormat;
  locationName?: string;
  xmlNamespace?: XmlNamespace;
  error?: { code?: string; httpStatusCode?: number };
  exception?: boolean;
}

export interface OperationDefinition {
  name: string;
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface ServiceModelDocument {
  metadata: { apiVersion: string; protocol: string; xmlNamespace?: string; [key: string]: unknown };
  operations: Record<string, OperationDefinition>;
  shapes: Record<string, Shape>;
}

/** A service model with lookups that fail loudly on a name the model does not have. */
export class ServiceModel {
  readonly apiVersion: string;
  readonly xmlNamespace: string;

  constructor(readonly document: ServiceModelDocument) {
    this.apiVersion = document.metadata.apiVersion;
    const namespace = document.metadata.xmlNamespace ?? 'https://example.com/';
    // Responses carry the namespace with its trailing slash, as EC2 sends it.
    this.xmlNamespace = namespace.endsWith('/') ? namespace : `${namespace}/`;
  }

  static fromFile(path: string): ServiceModel {
    return new ServiceModel(JSON.parse(readFileSync(path, 'utf8')) as ServiceModelDocument);
  }

  get operationNames(): string[] {
    return Object.keys(this.document.operations);
  }

  operation(name: string): OperationDefinition | undefined {
    return Object.hasOwn(this.document.operations, name) ? this.document.operations[name] : undefined;
  }

  shape(name: string): Shape {
    const shape = this.document.shapes[name];
    if (!shape) throw new Error(`the model has no shape ${name}`);
    return shape;
  }
}
