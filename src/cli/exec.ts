// `keyhole exec`: run one command on one or many Keyhole servers, through the automation protocol, the way a script
// wants it: output passed through, the remote status as the exit status, 255 when the connection or auth fails.
import { readFileSync } from 'node:fs';
import { connect } from '../client/connect.ts';
import { KeyholeError, RemoteError } from '../client/errors.ts';
import type { RunOutcome } from '../client/session.ts';
import { parseHostsFile, parseTarget, type Target } from '../client/targets.ts';
import type { ConnectOptions } from '../client/transport.ts';
import { authOptions, targetDefaults, type ClientCliOptions } from './client-options.ts';
import { fail } from './exit.ts';
import { promptHidden } from './prompt.ts';
import { tokenize } from '../line/tokenize.ts';

export interface ExecOptions extends ClientCliOptions {
  json?: boolean;
  hosts?: string;
  concurrency?: string;
}

export const EXIT_CONNECTION = 255;

interface HostResult {
  readonly target: Target;
  readonly stdout: string;
  readonly stderr: string;
  readonly outcome?: RunOutcome;
  /** Exit status for this host: the remote status, a refusal's exitCode (126/127), 255 for connection failures. */
  readonly code: number;
  /** Why it failed to run on this host: the connection, or the server's refusal. */
  readonly error?: string;
  /** The server's one-line reason when it refused the command or the program could not start. */
  readonly reason?: string;
}

/**
 * The argv to run: several words are the argv as given (exact, for scripts); one word with spaces is a line, read as
 * the server's shell reads it, so `keyhole exec host -- 'git log -n 1'` does what `ssh host 'git log -n 1'` does.
 */
export function commandArgv(words: string[]): string[] {
  if (words.length !== 1 || !/\s/.test(words[0]!)) return words;
  const tokens = tokenize(words[0]!);
  if (!tokens.ok) fail(`the command line is refused: ${tokens.reason}`, 126);
  if (tokens.argv.length === 0) fail('no command given: keyhole exec USER@HOST -- CMD [ARGS...]', 2);
  return tokens.argv;
}

/** Runs `command` on the targets and exits with the combined status. */
export async function execCommand(targetArgs: string[], command: string[], opts: ExecOptions): Promise<never> {
  if (command.length === 0) fail('no command given: keyhole exec USER@HOST -- CMD [ARGS...]', 2);
  command = commandArgv(command);
  const targets = collectTargets(targetArgs, opts.hosts, targetDefaults(opts));
  const auth = credentials(opts);
  const single = targets.length === 1 && !opts.hosts;
  if (single) {
    const result = await runOn(targets[0]!, command, auth, !opts.json);
    if (opts.json) process.stdout.write(`${JSON.stringify(jsonOf(result))}\n`);
    else if (result.error ?? result.reason) process.stderr.write(`keyhole: ${result.error ?? result.reason}\n`);
    process.exit(result.code);
  }
  const results = await mapLimit(targets, Math.max(1, Number(opts.concurrency ?? 8)), (t) =>
    runOn(t, command, auth, false),
  );
  for (const r of results) {
    if (opts.json) process.stdout.write(`${JSON.stringify(jsonOf(r))}\n`);
    else printPrefixed(r);
  }
  if (!opts.json) for (const r of results) process.stderr.write(`${summaryLine(r)}\n`);
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
}

function collectTargets(
  args: string[],
  hostsFile: string | undefined,
  defaults: { user: string; port: number },
): Target[] {
  const targets: Target[] = [];
  for (const arg of args) {
    const parsed = parseTarget(arg, defaults);
    if (!parsed.ok) fail(parsed.reason, 2);
    targets.push(parsed.target);
  }
  if (hostsFile) {
    let text: string;
    try {
      text = readFileSync(hostsFile, 'utf8');
    } catch (err) {
      fail(`cannot read --hosts file ${hostsFile}: ${(err as NodeJS.ErrnoException).code ?? err}`, 2);
    }
    const parsed = parseHostsFile(text, defaults);
    if (parsed.errors.length > 0) fail(`${hostsFile}: ${parsed.errors.join('; ')}`, 2);
    targets.push(...parsed.targets);
  }
  if (targets.length === 0) fail('no target given: keyhole exec USER@HOST[:PORT] -- CMD, or --hosts FILE', 2);
  return targets;
}

// As connect's, with the password asked at most once (on a terminal) for all the targets.
function credentials(opts: ExecOptions): Omit<ConnectOptions, 'host' | 'port' | 'username'> {
  let asked: Promise<string | null> | null = null;
  return authOptions(opts, process.stdin.isTTY ? () => (asked ??= promptHidden('Password: ')) : undefined);
}

async function runOn(
  target: Target,
  command: string[],
  auth: Omit<ConnectOptions, 'host' | 'port' | 'username'>,
  passThrough: boolean,
): Promise<HostResult> {
  let client;
  try {
    client = await connect({
      ...auth,
      host: target.host,
      port: target.port,
      username: target.user,
      clientName: 'keyhole-exec',
    });
  } catch (err) {
    return { target, stdout: '', stderr: '', code: EXIT_CONNECTION, error: (err as Error).message };
  }
  try {
    const run = client.stream(command);
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    run.stdout.on('data', (d: Buffer) => (passThrough ? process.stdout.write(d) : out.push(d)));
    run.stderr.on('data', (d: Buffer) => (passThrough ? process.stderr.write(d) : errs.push(d)));
    const outcome = await run.done;
    const text = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');
    const reason = outcome.message === undefined ? {} : { reason: outcome.message };
    return { target, stdout: text(out), stderr: text(errs), outcome, code: outcome.code, ...reason };
  } catch (err) {
    if (err instanceof RemoteError) {
      return { target, stdout: '', stderr: '', code: err.exitCode, error: err.message, reason: err.reason };
    }
    const code = err instanceof KeyholeError ? EXIT_CONNECTION : 1;
    return { target, stdout: '', stderr: '', code, error: (err as Error).message };
  } finally {
    client.close();
  }
}

function jsonOf(r: HostResult) {
  return {
    host: r.target.label,
    stdout: r.stdout,
    stderr: r.stderr,
    code: r.code,
    signal: r.outcome?.signal ?? null,
    durationMs: r.outcome?.durationMs ?? null,
    timedOut: r.outcome?.timedOut ?? false,
    truncated: r.outcome?.truncated ?? false,
    ...(r.error ? { error: r.error } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

function printPrefixed(r: HostResult): void {
  const prefix = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `${r.target.label}: ${l}\n`)
      .join('');
  if (r.stdout) process.stdout.write(prefix(r.stdout));
  if (r.stderr) process.stderr.write(prefix(r.stderr));
}

function summaryLine(r: HostResult): string {
  if (r.error ?? r.reason) return `${r.target.label}\tFAILED\t${r.code}\t${r.error ?? r.reason}`;
  return `${r.target.label}\t${r.code === 0 ? 'ok' : 'exit'}\t${r.code}\t${r.outcome?.durationMs ?? 0}ms`;
}

// Runs `fn` over the items with at most `limit` at once, keeping the items' order in the results.
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
