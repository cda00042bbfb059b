import { ApiError } from '../protocol/api-error.js';
import { ADMIN_PREFIX, json, type AdminRoute } from './admin-routes.js';
import type { Ec2Endpoint } from './ec2-endpoint.js';
import type { HttpRequest, RoutedResponse } from './http-types.js';
import { isStsRequest, type StsEndpoint } from './sts-endpoint.js';

/** What a refusal needs of a request: never its body, which may not have been read. */
export type RequestHead = Omit<HttpRequest, 'body'>;

export interface Router {
  route(request: HttpRequest): RoutedResponse | Promise<RoutedResponse>;
  /** A request refused before it is routed (verb, size, unreadable body), in its service's envelope. */
  refuse(request: RequestHead, error: ApiError): RoutedResponse;
}

const NO_BODY = Buffer.alloc(0);

/** The path of a request target: what precedes its query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * `/_mirrorlite/…` goes to mirrorlite's own routes; every other path is the EC2 endpoint, or STS's
 * for a request signed for STS (or carrying its Version), as the two share one address.
 */
export function createRouter(endpoint: Ec2Endpoint, routes: readonly AdminRoute[], sts?: StsEndpoint): Router {
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  const refuse = (request: RequestHead, error: ApiError): RoutedResponse =>
    sts && isStsRequest({ ...request, body: NO_BODY }) ? sts.refuse(error) : endpoint.refuse(error);
  return {
    refuse,
    route(request) {
      const path = pathOf(request.url);
      if (path.startsWith(ADMIN_PREFIX)) {
        const route = byKey.get(`${request.method} ${path}`);
        if (route) return route.handle(request);
        const known = routes.some((candidate) => candidate.path === path);
        return json(known ? 405 : 404, { error: known ? `${request.method} is not allowed on ${path}` : `no route ${path}` }, { errorCode: known ? 'MethodNotAllowed' : 'NotFound' });
      }
      if (request.method !== 'POST' && request.method !== 'GET') {
        return refuse(request, new ApiError('UnsupportedHttpVerb', `The HTTP method ${request.method} is not supported; use POST or GET.`, 405));
      }
      if (sts && isStsRequest(request)) return sts.handle(request);
      return endpoint.handle(request);
    },
  };
}
