// The data plane's HTTP paths, apart from the routes so that the CLI can name them without loading
// the server.

const ADMIN_PREFIX = '/_mirrorlite/';

export const TRAFFIC_PATH = `${ADMIN_PREFIX}traffic`;
export const EXPLAIN_PATH = `${ADMIN_PREFIX}explain`;
export const COUNTERS_PATH = `${ADMIN_PREFIX}counters`;
export const COUNTERS_RESET_PATH = `${ADMIN_PREFIX}counters/reset`;
export const REPLAYS_PATH = `${ADMIN_PREFIX}replays`;
