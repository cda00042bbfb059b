import { ApiError } from '../protocol/api-error.js';
import { ADMIN_PREFIX, json, type AdminRoute } from './admin-routes.js';
import type { Ec2Endpoint } from './ec2-endpoint.js';
import type { HttpRequest, RoutedResponse } from './http-types.js';
import { isStsRequest, type StsEndpoint } from './sts-endpoint.js';

/**
 * `/_mirrorlite/…` goes to mirrorlite's own routes; every other path is the EC2 endpoint, or STS's
 * for a request signed for STS (or carrying its Version), as the two share one address.
 */
export function createRouter(endpoint: Ec2Endpoint, routes: readonly AdminRoute[], sts?: StsEndpoint) {
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  return (request: HttpRequest): RoutedResponse | Promise<RoutedResponse> => {
    const path = request.url.split('?', 1)[0]!;
    if (path.startsWith(ADMIN_PREFIX)) {
      const route = byKey.get(`${request.method} ${path}`);
      if (route) return route.handle(request);
      const known = routes.some((candidate) => candidate.path === path);
      return json(known ? 405 : 404, { error: known ? `${request.method} is not allowed on ${path}` : `no route ${path}` });
    }
    if (request.method !== 'POST' && request.method !== 'GET') {
      return endpoint.refuse(new ApiError('UnsupportedHttpVerb', `The HTTP method ${request.method} is not supported; use POST or GET.`, 405));
    }
    if (sts && isStsRequest(request)) return sts.handle(request);
    return endpoint.handle(request);
  };
}

export type Router = ReturnType<typeof createRouter>;
