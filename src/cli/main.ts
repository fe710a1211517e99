// `keyhole`: the command-line program. The only place that parses process.argv or calls process.exit.
import { Command, CommanderError } from 'commander';
import { checkConfigCommand, checkPolicyCommand } from './check.ts';
import { hashPasswordCommand } from './hash-password.ts';
import { serveCommand } from './serve.ts';
import { VERSION } from '../version.ts';

const program = new Command('keyhole')
  .description('An SSH server with a restricted shell: only allow-listed commands run, audited.')
  .version(VERSION)
  .exitOverride()
  .showHelpAfterError();

program
  .command('serve')
  .description('start the server (with no --config: the embedded demo config on 127.0.0.1:2222)')
  .option('-c, --config <file>', 'YAML config file')
  .action(async (opts: { config?: string }) => serveCommand(opts.config));

program
  .command('hash-password')
  .description('read a password (hidden prompt, or one line from stdin) and print its scrypt hash for the config')
  .action(async () => hashPasswordCommand());

program
  .command('check-config')
  .description('validate a config file and summarise what it allows')
  .argument('<file>', 'YAML config file')
  .action(async (file: string) => checkConfigCommand(file));

program
  .command('check-policy')
  .description('say whether USER may run CMD, and why, without running anything')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .argument('<user>', 'the Keyhole user')
  .argument('<command...>', 'the command line, after --')
  .action(async (user: string, command: string[], opts: { config: string }) =>
    checkPolicyCommand(opts.config, user, command),
  );

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  process.stderr.write(`keyhole: ${(err as Error).message}\n`);
  process.exit(1);
}
