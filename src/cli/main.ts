import { Command } from 'commander';

const program = new Command('rdeploy').description('Put R models into production.').version('0.1.0');
program.parse();
