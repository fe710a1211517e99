// Runs the real `keyhole` program as a child process, for what only the whole program shows: exit codes and signals.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Screen } from './screen.ts';

export const KEYHOLE_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/keyhole.js');

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly log: Screen;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

/** Starts `keyhole serve --config FILE [EXTRA...]` and resolves once it listens (the port is read from its log). */
export async function startServeProcess(configFile: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [KEYHOLE_BIN, 'serve', '--config', configFile, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = new Screen(child.stdout!, child.stderr!);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const listening = log.waitFor(/listening on [\d.]+:(\d+)/);
  const text = await Promise.race([
    listening,
    exited.then((code) => Promise.reject(new Error(`keyhole exited ${code}: ${log.text}`))),
  ]);
  const port = Number(/listening on [\d.]+:(\d+)/.exec(text)![1]);
  return { child, port, log, exited };
}

/** Runs `keyhole ARGS...` to completion with optional stdin; resolves with its output and exit code. */
export function runKeyhole(
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // No agent: the tests say exactly which credentials are offered.
  const childEnv = { ...process.env, SSH_AUTH_SOCK: '', ...env };
  const child = spawn(process.execPath, [KEYHOLE_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
