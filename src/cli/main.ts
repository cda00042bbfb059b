#!/usr/bin/env node
import { Command } from 'commander';
import { PACKAGE_VERSION } from '../server/package-files.js';

// Each command's module is loaded only when that command runs (all of them for help): a replay
// or an explain starts without loading the server, and `serve` without the clients.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand(),
  state: async () => (await import('./state-command.js')).stateCommand(),
  replay: async () => (await import('./replay-command.js')).replayCommand(),
  explain: async () => (await import('./explain-command.js')).explainCommand(),
};

const program = new Command('mirrorlite').description('A local, fast and faithful emulator of Amazon EC2 Traffic Mirroring').version(PACKAGE_VERSION);

// Commander's own refusals (a bad option value, a missing argument) begin 'error:'; every other
// failure begins 'mirrorlite:', as Unix tools name themselves. One prefix for all of them.
const output = { outputError: (text: string, write: (text: string) => void) => write(text.replace(/^error: /, 'mirrorlite: ')) };
program.configureOutput(output);

const requested = COMMANDS[process.argv[2] ?? ''];
for (const load of requested ? [requested] : Object.values(COMMANDS)) {
  const command = await load();
  for (const each of [command, ...command.commands]) each.configureOutput(output);
  program.addCommand(command);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`mirrorlite: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
