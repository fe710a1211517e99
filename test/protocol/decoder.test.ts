// FrameDecoder: bytes in, checked frames out, for either end: blank lines skipped, an oversized line reported once.
import test from 'ava';
import { parseClientFrame } from '../../src/protocol/client-frames.ts';
import { FrameDecoder } from '../../src/protocol/decoder.ts';
import { parseServerFrame } from '../../src/protocol/server-frames.ts';

test('decodes client frames across chunks, skipping blank lines', (t) => {
  const decoder = new FrameDecoder(parseClientFrame, 100);
  t.deepEqual(decoder.push(Buffer.from('{"type":"li')), []);
  t.deepEqual(decoder.push(Buffer.from('st"}\n  \n\r\n{"type":"cancel","id":"a"}\n')), [
    { ok: true, frame: { type: 'list', id: undefined } },
    { ok: true, frame: { type: 'cancel', id: 'a' } },
  ]);
});

test('reports a line over the limit as too_large, once, and goes on with the next', (t) => {
  const decoder = new FrameDecoder(parseServerFrame, 40);
  const decoded = decoder.push(
    Buffer.from(`{"type":"ok","action":"${'x'.repeat(30)}"}\n{"type":"ok","action":"kill"}\n`),
  );
  t.deepEqual(decoded, [
    { ok: false, code: 'too_large', message: 'a frame may be at most 40 bytes; this one was skipped' },
    { ok: true, frame: { type: 'ok', action: 'kill' } },
  ]);
});

test('passes on what the parser says about a bad line', (t) => {
  const [decoded] = new FrameDecoder(parseServerFrame, 100).push(Buffer.from('{"type":"exit","id":"r"}\n'));
  t.like(decoded, { ok: false, code: 'bad_frame' });
});
