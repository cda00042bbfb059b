import type { OperationName } from '../../model/sts-types.js';
import { ApiError } from '../protocol/api-error.js';
import { InputValidator } from '../protocol/input-validator.js';
import type { ServiceModel } from '../protocol/service-model.js';
import { XmlWriter } from '../protocol/xml-writer.js';
import type { StsHandler, StsHandlerTable } from '../service/security-token.js';
import { signingService } from './caller-identity.js';
import type { HttpRequest, RequestLogFields, RoutedResponse } from './http-types.js';
import { QueryPipeline, type Invocation } from './query-pipeline.js';
import { buildDispatchTable, otherOperationsOf, type Dispatch } from './dispatch-table.js';
import { readParameters } from './query-parameters.js';

/** The STS API version, which every STS Query request carries. */
export const STS_VERSION = '2011-06-15';

/**
 * Whether a request on mirrorlite's one endpoint is for STS rather than EC2: signed for the `sts`
 * service (how every SDK, the CLIs and Terraform sign it), or, unsigned or signed the legacy way,
 * carrying STS's Version. A request signed for any other service is EC2's.
 */
export function isStsRequest(request: HttpRequest): boolean {
  const authorization = typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined;
  const queryCredential = authorization ? undefined : /[?&]X-Amz-Credential=([^&]*)/.exec(request.url)?.[1];
  const service = signingService(authorization, queryCredential === undefined ? undefined : safeDecode(queryCredential));
  if (service !== undefined) return service === 'sts';
  // Rare (unsigned requests): only then are the parameters read twice.
  try {
    return readParameters(request).get('Version') === STS_VERSION;
  } catch {
    return false;
  }
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export interface StsEndpointOptions {
  model: ServiceModel;
  handlers: StsHandlerTable;
  defaults: { account: string; region: string };
  logParameters?: boolean;
  onUnexpectedError?: (error: unknown, log: RequestLogFields) => void;
}

/**
 * STS over the awsQuery protocol, beside EC2 on the same endpoint and through the same Query
 * pipeline, with the cut STS model and the XML writer in its awsQuery flavour (`<XResult>`,
 * `ResponseMetadata`, `<ErrorResponse>`). STS keeps no state: no store, transaction or DryRun here.
 */
export class StsEndpoint {
  private readonly dispatch: ReadonlyMap<string, Dispatch<StsHandler<OperationName>>>;
  private readonly otherOperations: ReadonlySet<string>;
  private readonly pipeline: QueryPipeline;

  constructor(options: StsEndpointOptions) {
    this.dispatch = buildDispatchTable<StsHandler<OperationName>>(options.model, options.handlers, []);
    this.otherOperations = otherOperationsOf(options.model);
    this.pipeline = new QueryPipeline({
      model: options.model,
      validator: new InputValidator(options.model),
      writer: new XmlWriter(options.model),
      contentType: 'text/xml',
      defaults: options.defaults,
      resolve: (action) => this.resolve(action),
      ...(options.logParameters ? { logParameters: true } : {}),
      ...(options.onUnexpectedError ? { onUnexpectedError: options.onUnexpectedError } : {}),
    });
  }

  handle(request: HttpRequest): RoutedResponse {
    return this.pipeline.handle(request);
  }

  /** The error envelope for a request refused before it reaches the pipeline (verb, size). */
  refuse(error: ApiError): RoutedResponse {
    return this.pipeline.refuse(error);
  }

  /**
   * The handler, or InvalidAction: for an STS action mirrorlite does not serve, saying so; for any
   * other name, in STS's words ("Could not find operation … for version 2011-06-15").
   */
  private resolve(action: string): Invocation {
    const dispatch = this.dispatch.get(action);
    if (dispatch?.kind === 'handled') {
      const handler = dispatch.handler;
      return (input, caller, requestId) => handler(input as never, { account: caller.account, region: caller.region, requestId });
    }
    if (this.otherOperations.has(action)) throw new ApiError('InvalidAction', `The action ${action} is not supported by mirrorlite.`);
    throw new ApiError('InvalidAction', `Could not find operation ${action} for version ${STS_VERSION}`);
  }
}
