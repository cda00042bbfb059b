import type { Store } from '../state/store.js';
import type { HttpRequest, RequestLogFields, RoutedResponse } from './http-types.js';

/** mirrorlite's own endpoints live under this prefix, apart from the EC2 API. */
export const ADMIN_PREFIX = '/_mirrorlite/';

export interface AdminRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(request: HttpRequest): RoutedResponse | Promise<RoutedResponse>;
}

/** `log`: what the request line says beyond method, path, status and time (the caller, an error code). */
export function json(status: number, value: unknown, log: RequestLogFields = {}): RoutedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
    log,
  };
}

export function adminRoutes(store: Store, startedAt: number, version: string): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: `${ADMIN_PREFIX}health`,
      handle: () =>
        json(200, {
          status: 'ok',
          version,
          persistent: store.persistent,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        }),
    },
    {
      method: 'POST',
      path: `${ADMIN_PREFIX}reset`,
      handle: () => {
        store.reset();
        return json(200, { reset: true });
      },
    },
  ];
}
