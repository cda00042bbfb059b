import { ApiError } from '../protocol/api-error.js';
import { ADMIN_PREFIX, json, type AdminRoute } from './admin-routes.js';
import type { Ec2Endpoint } from './ec2-endpoint.js';
import type { HttpRequest, RoutedResponse } from './http-types.js';

/** `/_mirrorlite/…` goes to mirrorlite's own routes; every other path is the EC2 endpoint. */
export function createRouter(endpoint: Ec2Endpoint, routes: readonly AdminRoute[]) {
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
    return endpoint.handle(request);
  };
}

export type Router = ReturnType<typeof createRouter>;
