import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/server/package-files.js';
import { CLI } from './server-process.js';

/**
 * Tests of "permission denied": root may read and write anything, so as root they run the command
 * as nobody instead, who must then be able to read the package (the bundle, and better-sqlite3).
 */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

/** The spawn options that make a command meet permissions: nobody's when this runs as root. */
export const asUnprivileged = process.getuid?.() === 0 ? NOBODY : {};

/** Why such a test cannot run here (a `skip` reason), or false. */
export function permissionTestSkip(): string | false {
  if (process.getuid === undefined) return 'no user IDs here';
  if (process.getuid() !== 0) return false;
  const needed = [CLI, join(PACKAGE_ROOT, 'node_modules', 'better-sqlite3', 'package.json')];
  const check = spawnSync(process.execPath, ['-e', `for (const f of ${JSON.stringify(needed)}) require('node:fs').accessSync(f)`], { ...NOBODY, encoding: 'utf8' });
  return check.status === 0 ? false : `run as root, this test runs mirrorlite as nobody (uid 65534), who cannot read ${PACKAGE_ROOT} (a folder above it is private)`;
}
