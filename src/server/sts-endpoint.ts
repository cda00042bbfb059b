import { randomUUID } from 'node:crypto';
import type { OperationName } from '../../model/sts-types.js';
import { ApiError, internalError, missingAction } from '../protocol/api-error.js';
import { InputValidator } from '../protocol/input-validator.js';
import type { ServiceModel } from '../protocol/service-model.js';
import { XmlWriter } from '../protocol/xml-writer.js';
import type { StsHandler, StsHandlerTable } from '../service/security-token.js';
import { signingService } from './caller-identity.js';
import type { HttpRequest, RequestLogFields, RoutedResponse } from './http-types.js';
import { buildDispatchTable, otherOperationsOf, type Dispatch } from './dispatch-table.js';
import { callerOf, operationInput, readParameters } from './query-parameters.js';

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
 * STS over the awsQuery protocol, beside EC2 on the same endpoint and through the same model-driven
 * layers: parameters, caller, operation, input parsed and validated from the cut STS model, handler,
 * output serialised by the XML writer in its awsQuery flavour (`<XResult>`, `ResponseMetadata`,
 * `<ErrorResponse>`). STS keeps no state, so there is no store, transaction or DryRun here.
 */
export class StsEndpoint {
  private readonly dispatch: ReadonlyMap<string, Dispatch<StsHandler<OperationName>>>;
  private readonly validator: InputValidator;
  private readonly writer: XmlWriter;
  private readonly otherOperations: ReadonlySet<string>;

  constructor(private readonly options: StsEndpointOptions) {
    this.dispatch = buildDispatchTable<StsHandler<OperationName>>(options.model, options.handlers, []);
    this.validator = new InputValidator(options.model);
    this.writer = new XmlWriter(options.model);
    this.otherOperations = otherOperationsOf(options.model);
  }

  handle(request: HttpRequest): RoutedResponse {
    const requestId = randomUUID();
    const log: RequestLogFields = { requestId };
    try {
      const parameters = readParameters(request);
      if (this.options.logParameters) log.parameters = Object.fromEntries(parameters.pairs);
      const caller = callerOf(request, parameters, this.options.defaults);
      log.account = caller.account;
      log.region = caller.region;
      const action = parameters.get('Action');
      if (!action) throw missingAction();
      log.action = action;
      const handler = this.resolve(action);
      const input = operationInput(this.options.model, this.validator, action, parameters);
      const output = handler(input as never, { account: caller.account, region: caller.region, requestId });
      const members = this.writer.outputMembers(action, output as Record<string, unknown>);
      return this.respond(200, this.writer.envelopeChunks(action, requestId, members), log);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError();
      if (!(error instanceof ApiError)) this.options.onUnexpectedError?.(error, log);
      log.errorCode = apiError.code;
      return this.respond(apiError.status, this.writer.error(apiError, requestId), log);
    }
  }

  /** The error envelope for a request refused before it reaches the pipeline (verb, size). */
  refuse(error: ApiError): RoutedResponse {
    const requestId = randomUUID();
    return this.respond(error.status, this.writer.error(error, requestId), { requestId, errorCode: error.code });
  }

  /**
   * The handler, or InvalidAction: for an STS action mirrorlite does not serve, saying so; for any
   * other name, in STS's words ("Could not find operation … for version 2011-06-15").
   */
  private resolve(action: string): StsHandler<OperationName> {
    const dispatch = this.dispatch.get(action);
    if (dispatch?.kind === 'handled') return dispatch.handler;
    if (this.otherOperations.has(action)) throw new ApiError('InvalidAction', `The action ${action} is not supported by mirrorlite.`);
    throw new ApiError('InvalidAction', `Could not find operation ${action} for version ${STS_VERSION}`);
  }

  private respond(status: number, body: Buffer | Buffer[], log: RequestLogFields): RoutedResponse {
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': log.requestId!, server: 'mirrorlite' },
      body,
      log,
    };
  }
}
