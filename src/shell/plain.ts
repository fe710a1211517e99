// The shell without a pty (`ssh -T host`, or a script piping lines in): lines read from input, run in order,
// no prompt, no echo; the status of the last command is the session's exit status, as with sh.
// Backpressure both ways: input stays paused while a line runs and until its output has drained, so the SSH window
// holds a client that writes without reading (at most one chunk and one partial line are held here).
import { evaluate } from './evaluate.ts';
import { writeText } from './write.ts';
import type { ShellIO, ShellContext } from './context.ts';

/** Runs every line of `input` in turn; resolves with the exit status when input ends or `exit` runs. */
export function runPlainShell(session: ShellContext, input: NodeJS.ReadableStream, io: ShellIO): Promise<number> {
  const maxLine = session.config().limits.maxLineBytes;
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    let discarding = false;
    let lastCode = 0;
    let ended = false;
    let busy = false;
    let done = false;
    const finish = (code: number) => {
      done = true;
      resolve(code);
    };
    // The session or channel ended: stop reading lines (the ones held here are dropped with the channel).
    session.signal.addEventListener('abort', () => finish(lastCode), { once: true });

    const next = async (): Promise<void> => {
      if (busy || done) return;
      busy = true;
      for (;;) {
        const nl = buffered.indexOf(0x0a);
        if (nl < 0 || done) break;
        const line = buffered.subarray(0, nl).toString('utf8').replace(/\r$/, '');
        buffered = buffered.subarray(nl + 1);
        if (discarding) {
          discarding = false;
          continue;
        }
        const result = await evaluate(line, session, io); // resolves once the line's output has drained
        lastCode = result.code;
        if (result.exit) return finish(result.code);
      }
      if (done) return;
      if (buffered.length > maxLine && !discarding) {
        // A line that never ends must not grow without bound: refuse it and skip to its end.
        await writeText(io.stderr, `keyhole: line longer than ${maxLine} bytes refused\n`, session.signal);
        lastCode = 126;
        discarding = true;
      }
      if (discarding) buffered = Buffer.alloc(0);
      busy = false;
      if (ended) {
        const rest = buffered.toString('utf8');
        buffered = Buffer.alloc(0);
        if (rest.trim() !== '' && !discarding) lastCode = (await evaluate(rest, session, io)).code;
        finish(lastCode);
      } else input.resume();
    };

    input.on('data', (chunk: Buffer | string) => {
      buffered = Buffer.concat([buffered, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)]);
      input.pause(); // one chunk at a time: the rest waits in the channel, and then in the client's SSH window
      void next();
    });
    input.on('end', () => {
      ended = true;
      void next();
    });
  });
}
