// Runs one command on the server and shows it in the transcript as it happens: output as it arrives, then how it
// ended (exit code and duration), or the server's refusal with its reason and code.
import { finished } from 'node:stream/promises';
import { RemoteError } from '../errors.ts';
import type { ProtocolSession, RunStream } from '../session.ts';
import { exitLine, refusalLine, refusalName, type Theme } from './format.ts';
import type { OutputPane } from './output-pane.ts';

/** What the status bar learns from a run: its exit code (126/127 for refusals), or null when the connection failed. */
export type RunEnd = { code: number | null };

/** Starts `argv`; `onStart` gets the stream so Ctrl-C can cancel it. Resolves once the result line is shown. */
export async function runCommand(
  client: ProtocolSession,
  argv: readonly string[],
  pane: OutputPane,
  theme: Theme,
  onStart: (run: RunStream) => void,
): Promise<RunEnd> {
  const run = client.stream(argv);
  onStart(run);
  run.stdout.on('data', (chunk: Buffer) => pane.write('stdout', chunk));
  run.stderr.on('data', (chunk: Buffer) => pane.write('stderr', chunk));
  // Output is shown in full before the result line, whatever order the stream events and the exit arrive in.
  const drained = Promise.all([finished(run.stdout), finished(run.stderr)]).catch(() => undefined);
  try {
    const outcome = await run.done;
    await drained;
    pane.endOutput();
    pane.add(exitLine(outcome, theme));
    return { code: outcome.code };
  } catch (err) {
    await drained;
    pane.endOutput();
    if (err instanceof RemoteError) {
      pane.add(refusalLine(refusalName(err.code), err.message, theme, err.exitCode));
      return { code: err.exitCode };
    }
    pane.add(refusalLine('connection lost', `${(err as Error).message}; the command's result is unknown`, theme));
    return { code: null };
  }
}
