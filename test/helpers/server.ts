// Starts a real Keyhole server on an ephemeral loopback port for a test, on the shared config of ./config.ts, with an
// in-memory audit to assert on: for one test (withServer), for a whole file (serverPerFile), or by hand.
import anyTest, { type TestFn } from 'ava';
import { rmSync } from 'node:fs';
import { MemoryAudit } from '../../src/audit/audit.ts';
import type { AuditRecord } from '../../src/audit/events.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { silentLogger } from '../../src/log.ts';
import { startServer, type KeyholeServer } from '../../src/server/server.ts';
import { writeConfigWith, type ServerOptions, type Teardown, type TestConfig } from './config.ts';

export { ADMIN_PASSWORD, PASSWORD, withTestConfig, type ServerOptions, type TestConfig } from './config.ts';

/** A server running in this process for a test, and what the test needs to reach and check it. */
export interface TestServer {
  readonly port: number;
  readonly dir: string;
  readonly srv: string;
  readonly audit: MemoryAudit;
  readonly server: KeyholeServer;
  readonly configFile: string;
  /** Private key files made with ssh-keygen. */
  readonly keys: TestConfig['keys'];
  close(): Promise<void>;
  /** Resolves with the first audit record that matches, waiting for it to be written. */
  waitForAudit(match: (r: AuditRecord) => boolean): Promise<AuditRecord>;
}

/** Starts a server for one test; it is closed and its temp dir removed when the test ends. */
export async function withServer(t: Teardown, options: ServerOptions = {}): Promise<TestServer> {
  const s = await startServerWith(options);
  t.teardown(() => s.close());
  return s;
}

/**
 * The `test` of a file whose tests share one server, `t.context.s`: started before the first test, closed after the
 * last. `Extra` types more context that the file's own `test.before` hooks add (they run after this one).
 */
export function serverPerFile<Extra extends object = object>(
  options: ServerOptions = {},
): TestFn<{ s: TestServer } & Extra> {
  const test = anyTest as TestFn<{ s: TestServer } & Extra>;
  // Serial, so the file's own (concurrent) `test.before` hooks wait for it: ava starts concurrent hooks all at once.
  test.serial.before(async (t) => {
    t.context.s = await startServerWith(options);
  });
  test.after.always(async (t) => (t.context as Partial<{ s: TestServer }>).s?.close());
  return test;
}

/** Starts a server in this process, for hooks (where `t.teardown` is not allowed): call `close()` when done. */
export async function startServerWith(options: ServerOptions = {}): Promise<TestServer> {
  return start(await writeConfigWith(options));
}

// Starts the server in this process on a written config, with an in-memory audit.
async function start({ dir, srv, yaml, configFile, keys }: TestConfig): Promise<TestServer> {
  const loaded = loadConfigText(yaml, configFile, dir);
  if (!loaded.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(loaded.errors.join('\n'));
  }
  const audit = new MemoryAudit();
  const server = await startServer(loaded.config, { audit, log: silentLogger });
  return {
    port: server.port,
    dir,
    srv,
    audit,
    server,
    configFile,
    keys,
    waitForAudit: (match) => waitForAudit(audit, match),
    async close() {
      await server.shutdown('test over');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Resolves with the first record that matches, now or once it is written.
async function waitForAudit(audit: MemoryAudit, match: (r: AuditRecord) => boolean): Promise<AuditRecord> {
  for (;;) {
    const found = audit.records.find(match);
    if (found) return found;
    await new Promise((resolve) => audit.once('record', resolve));
  }
}
