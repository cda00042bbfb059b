import { randomUUID } from 'node:crypto';
import { ApiError, internalError, missingAction } from '../protocol/api-error.js';
import type { InputValidator } from '../protocol/input-validator.js';
import type { ServiceModel } from '../protocol/service-model.js';
import type { XmlWriter } from '../protocol/xml-writer.js';
import type { Caller } from './caller-identity.js';
import type { HttpRequest, RequestLogFields, RoutedResponse } from './http-types.js';
import { callerOf, operationInput, readParameters } from './query-parameters.js';

/** An operation ready to run: the parsed, validated input in, the output members out. */
export type Invocation = (input: Record<string, unknown>, caller: Caller, requestId: string) => unknown;

/** What a Query service (EC2, STS) brings to the pipeline they share. */
export interface QueryService {
  model: ServiceModel;
  validator: InputValidator;
  /** Serialises in the service's flavour (EC2's `<Response><Errors>`, awsQuery's `<ErrorResponse>`). */
  writer: XmlWriter;
  /** The service's Content-Type: EC2 names the charset, STS does not. */
  contentType: string;
  defaults: { account: string; region: string };
  /** The operation for an Action, or an InvalidAction ApiError in the service's words. */
  resolve(action: string): Invocation;
  /** Put the request's parameters on its log line (debug logging: what did my client send?). */
  logParameters?: boolean;
  /** Called with an error no handler meant to raise (a bug), before it is answered as InternalError. */
  onUnexpectedError?: (error: unknown, log: RequestLogFields) => void;
}

/** A successful answer, for a service that keeps it (EC2's read cache). */
export interface Answered {
  caller: Caller;
  action: string;
  members: Buffer;
}

/**
 * The steps every Query request takes, in order: read the parameters, identify the caller, resolve
 * the operation (InvalidAction before any input check, as AWS answers), parse and validate the input
 * from the model, run it, serialise the output; any ApiError on the way becomes the service's error
 * envelope, anything else InternalError. EC2 and STS differ only in what `QueryService` gives.
 */
export class QueryPipeline {
  constructor(private readonly service: QueryService) {}

  handle(request: HttpRequest, log: RequestLogFields = { requestId: randomUUID() }, onAnswered?: (answer: Answered) => void): RoutedResponse {
    const { service } = this;
    const requestId = log.requestId!;
    try {
      const parameters = readParameters(request);
      if (service.logParameters) log.parameters = Object.fromEntries(parameters.pairs);
      const caller = callerOf(request, parameters, service.defaults);
      log.account = caller.account;
      log.region = caller.region;
      const action = parameters.get('Action');
      if (!action) throw missingAction();
      log.action = action;
      const invocation = service.resolve(action);
      const input = operationInput(service.model, service.validator, action, parameters);
      const output = invocation(input, caller, requestId);
      const members = service.writer.outputMembers(action, output as Record<string, unknown>);
      onAnswered?.({ caller, action, members });
      return this.answer(action, members, log);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : internalError();
      if (!(error instanceof ApiError)) service.onUnexpectedError?.(error, log);
      log.errorCode = apiError.code;
      return this.respond(apiError.status, service.writer.error(apiError, requestId), log);
    }
  }

  /** A success envelope around output members already serialised (by this request or an earlier one). */
  answer(action: string, members: Buffer, log: RequestLogFields): RoutedResponse {
    return this.respond(200, this.service.writer.envelopeChunks(action, log.requestId!, members), log);
  }

  /** The error envelope for a request refused before it reaches the pipeline (verb, size). */
  refuse(error: ApiError): RoutedResponse {
    const requestId = randomUUID();
    return this.respond(error.status, this.service.writer.error(error, requestId), { requestId, errorCode: error.code });
  }

  private respond(status: number, body: Buffer | Buffer[], log: RequestLogFields): RoutedResponse {
    return {
      status,
      headers: { 'content-type': this.service.contentType, 'x-amzn-requestid': log.requestId!, server: 'mirrorlite' },
      body,
      log,
    };
  }
}
