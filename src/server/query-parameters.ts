import { isUtf8 } from 'node:buffer';
import { invalidParameterValue, malformedQueryString } from '../protocol/api-error.js';
import type { InputValidator } from '../protocol/input-validator.js';
import { decodeQueryForm } from '../protocol/query-form.js';
import { parseQueryInput } from '../protocol/query-parser.js';
import type { ServiceModel } from '../protocol/service-model.js';
import { identifyCaller, type Caller } from './caller-identity.js';
import type { HttpRequest } from './http-types.js';

/**
 * The parameters of a Query request (EC2's and STS's alike): the query string, then a form-encoded
 * body, and the envelope and signature parameters among them.
 */

/**
 * Parameters that carry the request's envelope or signature, not operation input. `Version` is
 * among them and is not checked against the model's: EC2 still answers every API version it has
 * published, and every client sends the model's (decided; README "Behaviour").
 */
export const ENVELOPE_PARAMETERS = new Set([
  'Action',
  'Version',
  'AWSAccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SecurityToken',
  'Timestamp',
  'Expires',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
]);

/**
 * The request's parameters: the query string, then a form-encoded body. A name given twice is
 * refused: operation members by the parser, envelope names here, so that a request naming two
 * Actions runs neither.
 */
export class Parameters {
  readonly pairs: [string, string][] = [];
  private readonly envelope = new Map<string, string>();

  add(pairs: [string, string][]): void {
    for (const pair of pairs) {
      this.pairs.push(pair);
      if (!ENVELOPE_PARAMETERS.has(pair[0])) continue;
      if (this.envelope.has(pair[0])) throw invalidParameterValue(`The parameter ${pair[0]} is specified more than once.`);
      this.envelope.set(pair[0], pair[1]);
    }
  }

  get(name: string): string | undefined {
    return this.envelope.get(name);
  }
}

export function readParameters(request: HttpRequest): Parameters {
  const parameters = new Parameters();
  const queryStart = request.url.indexOf('?');
  if (queryStart >= 0) parameters.add(decodeQueryForm(request.url.slice(queryStart + 1)));
  if (request.body.length) {
    if (!isUtf8(request.body)) throw malformedQueryString();
    parameters.add(decodeQueryForm(request.body.toString('utf8')));
  }
  return parameters;
}

/** Who is calling: SigV4 header, presigned query, or legacy access key, else the defaults. */
export function callerOf(request: HttpRequest, parameters: Parameters, defaults: { account: string; region: string }): Caller {
  return identifyCaller(
    typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined,
    parameters.get('X-Amz-Credential'),
    parameters.get('AWSAccessKeyId'),
    defaults,
  );
}

/** The operation's input, parsed from the parameters by its model shape and checked against it. */
export function operationInput(model: ServiceModel, validator: InputValidator, action: string, parameters: Parameters): Record<string, unknown> {
  const shape = model.operation(action)!.input?.shape;
  const input = parseQueryInput(model, shape, parameters.pairs, ENVELOPE_PARAMETERS);
  validator.validate(shape, input);
  return input;
}
