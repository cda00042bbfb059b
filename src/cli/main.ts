#!/usr/bin/env node
import { Command } from 'commander';
import { PACKAGE_VERSION } from '../server/package-files.js';
import { serveCommand } from './serve-command.js';
import { stateCommand } from './state-command.js';

const program = new Command('mirrorlite')
  .description('A local, fast and faithful emulator of Amazon EC2 Traffic Mirroring')
  .version(PACKAGE_VERSION)
  .addCommand(serveCommand())
  .addCommand(stateCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`mirrorlite: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
