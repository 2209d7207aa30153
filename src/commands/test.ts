// STUB: replaced by the real command.
import type { Command } from 'commander';
import { UsageError } from '../output/errors.js';
import { action } from './shared.js';

export function register(program: Command): void {
  program
    .command('test')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(
      action(() => {
        throw new UsageError('not_implemented', 'test is not implemented yet');
      }),
    );
}
