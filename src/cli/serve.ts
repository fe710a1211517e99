// `keyhole serve`: load the config, open the audit trail, start the server, and map signals to shutdown and reload.
import { FileAudit, StreamAudit, type Audit } from '../audit/audit.ts';
import { DEMO_PASSWORD, DEMO_USER, loadEmbeddedConfig } from '../config/embedded.ts';
import { loadConfigFile } from '../config/load.ts';
import { startLaunchers } from '../exec/launcher.ts';
import { levelFromEnv, parseLevel, LEVELS, streamLogger, type Level } from '../log.ts';
import { startServer } from '../server/server.ts';
import { POST_QUANTUM_KEX, postQuantumKex } from '../ssh/algorithms.ts';
import { fail } from './exit.ts';
import { parseListen, parsePort, type ListenOverride } from './listen.ts';
import type { Config } from '../config/types.ts';

/** `--listen` and `--port` as one override (the port of --port wins over one in --listen); a bad one ends here. */
export function listenOverride(opts: { listen?: string; port?: string }): ListenOverride {
  const listen = opts.listen === undefined ? { ok: true as const, value: {} } : parseListen(opts.listen);
  if (!listen.ok) fail(listen.reason);
  if (opts.port === undefined) return listen.value;
  const port = parsePort(opts.port);
  if (!port.ok) fail(port.reason);
  return { ...listen.value, port: port.value };
}

// The command line wins over the config's `listen:`, at start and at each reload, as sshd's -p does over Port.
function withListen(config: Config, listen: ListenOverride): Config {
  return { ...config, listen: { ...config.listen, ...listen } };
}

// The audit trail on stdout (no audit.file): a closed stdout is a failed audit write (logins and commands are then
// refused, as with a full disk), logged once, not the quiet exit that `keyhole ... | head` gets for other commands.
function stdoutAudit(log: ReturnType<typeof streamLogger>): Audit {
  process.stdout.removeAllListeners('error');
  let told = false;
  process.stdout.on('error', (err: Error) => {
    if (!told)
      log.log('error', 'THE AUDIT TRAIL (stdout) CANNOT BE WRITTEN: logins and commands are refused', {
        error: err.message,
      });
    told = true;
  });
  return new StreamAudit(process.stdout);
}

/** `--log-level` if given, else KEYHOLE_LOG_LEVEL (or KEYHOLE_DEBUG); a bad name ends here. */
export function logLevel(option: string | undefined): Level {
  if (option !== undefined) {
    const level = parseLevel(option);
    if (level === null) fail(`--log-level must be one of ${LEVELS.join(', ')}, got '${option}'`, 2);
    return level;
  }
  const fromEnv = levelFromEnv(process.env);
  if (!fromEnv.ok) fail(fromEnv.reason, 2);
  return fromEnv.level;
}

/**
 * Runs the server until it is shut down (admin `shutdown`, SIGTERM or SIGINT), then exits 0. The text log goes to
 * stderr; the audit trail to `audit.file`, or else to stdout as JSON lines only, so the two never mix.
 */
export async function serveCommand(
  configFile: string | undefined,
  listen: ListenOverride = {},
  level: Level = 'info',
): Promise<void> {
  const log = streamLogger(process.stderr, level);
  const loaded = configFile === undefined ? loadEmbeddedConfig() : loadConfigFile(configFile);
  if (!loaded.ok) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    fail('the config has problems (listed above); fix them, or check with `keyhole check-config FILE`');
  }
  const config = withListen(loaded.config, listen);
  for (const warning of config.warnings) log.log('warn', warning);
  const { mode, landlockAbi, helper } = config.confinement;
  log.log('info', `confinement ${mode}`, { landlockAbi, helper: helper ?? 'none' });
  if (!postQuantumKex) {
    log.log(
      'warn',
      `${POST_QUANTUM_KEX} is not offered (ssh2 lacks patches/ssh2+1.17.0.patch or an ML-KEM): OpenSSH 10.1+ clients will warn on every login; reinstall keyhole with its install scripts allowed`,
    );
  }
  if (config.runAs)
    log.log('info', `commands run as ${config.runAs.user} (uid ${config.runAs.uid}, gid ${config.runAs.gid})`);
  let audit: Audit;
  try {
    const file = config.audit.file;
    const onHealth = (failure: Error | null) =>
      failure
        ? log.log('error', 'THE AUDIT LOG CANNOT BE WRITTEN: logins and commands are refused until it can', {
            file,
            error: failure.message,
          })
        : log.log('warn', 'the audit log can be written again', { file });
    audit = file ? await FileAudit.open(file, onHealth) : stdoutAudit(log);
  } catch (err) {
    fail(`cannot open the audit file ${config.audit.file}: ${(err as Error).message}`);
  }
  startLaunchers(); // the processes that spawn commands: started now, so that the first command does not wait for them
  const server = await startServer(config, { audit, log }).catch((err: Error) => fail(err.message));
  const where = `${server.host}:${server.port}`;
  log.log('info', `Keyhole listening on ${where}`, {
    config: config.source,
    hostKey: server.hostKeys[0]?.fingerprint,
    instance: server.instance,
  });
  if (config.demoCredentials) {
    process.stderr.write(
      `\n  Demo config (loopback only). Connect with:\n    ssh ${DEMO_USER}@${server.host} -p ${server.port}    (password: ${DEMO_PASSWORD})\n` +
        `  or the terminal client:  npx keyhole connect ${DEMO_USER}@${server.host}:${server.port}\n` +
        `  Use your own config with: keyhole serve --config keyhole.yaml\n\n`,
    );
  }
  const stop = (signal: string) => void server.shutdown(signal);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Reopening the audit file lets logrotate move it away (reopen first, so the reload record lands in the new file).
  const reopenAudit = async (signal: string): Promise<void> => {
    if (!(audit instanceof FileAudit)) return;
    await audit.reopen().then(
      () => log.log('info', 'audit file reopened', { file: config.audit.file, signal }),
      (err: Error) => log.log('error', err.message, { signal }),
    );
  };
  process.on('SIGUSR1', () => void reopenAudit('SIGUSR1'));
  process.on('SIGHUP', async () => {
    await reopenAudit('SIGHUP');
    if (configFile === undefined) return log.log('info', 'SIGHUP ignored: the embedded config cannot change');
    const next = loadConfigFile(configFile);
    if (!next.ok) {
      next.errors.forEach((e) => log.log('error', 'reload refused', { problem: e }));
      void server.audit.record({
        event: 'config-reload',
        ok: false,
        config: configFile,
        error: next.errors.join('; '),
      });
      return;
    }
    server.reload(withListen(next.config, listen));
    log.log('info', 'config reloaded', { config: configFile });
    void server.audit.record({ event: 'config-reload', ok: true, config: configFile });
  });
  await server.closed;
  await audit.close();
  log.log('info', 'Keyhole stopped');
  process.exit(0);
}
