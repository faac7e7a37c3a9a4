import { Command } from 'commander';
import { deployCommand } from './commands/deploy';
import { destroyCommand } from './commands/destroy';
import { doctorCommand } from './commands/doctor';
import { dockerfileCommand } from './commands/dockerfile';
import { inspectCommand } from './commands/inspect';
import { invokeCommand } from './commands/invoke';
import { logsCommand } from './commands/logs';
import { mapCommand } from './commands/map';
import { lsCommand } from './commands/ls';
import { packageCommand } from './commands/package';
import { planCommand } from './commands/plan';
import { statusCommand } from './commands/status';
import { exitOnCommanderError, noteInvokedCommand } from './run';

const program = new Command('rdeploy')
  .description('Put R models into production: detect, containerize, deploy, invoke, tail logs, destroy.')
  .version('0.1.0')
  .option('-v, --verbose', 'print build output and full error details')
  .showSuggestionAfterError()
  // Usage mistakes are one line `rdeploy: …` like every other error, and exit with 2, as the CLI
  // contract says (see exitOnCommanderError); commander's own two-line message is not printed.
  .configureOutput({ outputError: () => undefined })
  .exitOverride((err) => exitOnCommanderError(program, err))
  // runCommand reads the running command's options (its --json flag) from here.
  .hook('preAction', (_program, command) => noteInvokedCommand(command));

for (const register of [
  inspectCommand,
  dockerfileCommand,
  planCommand,
  packageCommand,
  deployCommand,
  invokeCommand,
  mapCommand,
  logsCommand,
  lsCommand,
  statusCommand,
  destroyCommand,
  doctorCommand,
]) {
  register(program);
}

void program.parseAsync();
