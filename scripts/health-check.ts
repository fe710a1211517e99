// A key-based health check: runs `uptime` and `df -h` on every host of a list and prints a table.
// Usage: npx tsx scripts/health-check.ts -i KEY [--known-hosts FILE] [--accept-new] USER@HOST[:PORT] ...
// Each host needs a Keyhole user whose role allows `uptime` and `df` (with -h).
import { parseArgs } from 'node:util';
import { connect, KeyholeError } from '../src/index.ts';

const USAGE = `usage: health-check -i KEY [--known-hosts FILE] [--accept-new] USER@HOST[:PORT] ...
  -i, --identity FILE   private key to log in with
  --known-hosts FILE    known_hosts file to check host keys against (default ~/.ssh/known_hosts)
  --accept-new          record the host key of a host not yet known (never of one whose key changed)
  -h, --help            show this help
`;

// Parses the command line; a bad option is a one-line error and status 2, not a stack trace.
function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        identity: { type: 'string', short: 'i' },
        'known-hosts': { type: 'string' },
        'accept-new': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (err) {
    process.stderr.write(`health-check: ${(err as Error).message.split('\n')[0]}\n${USAGE}`);
    process.exit(2);
  }
}

const { values, positionals } = parseCommandLine();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!values.identity || positionals.length === 0) {
  process.stderr.write(USAGE);
  process.exit(2);
}

interface Row {
  host: string;
  status: string;
  load: string;
  rootUse: string;
}

// Checks one host; a failure becomes a row that says why, never an exception.
async function check(target: string): Promise<Row> {
  const m = /^([^@]+)@([^:]+)(?::(\d+))?$/.exec(target);
  if (!m) return { host: target, status: 'bad target', load: '-', rootUse: '-' };
  try {
    const client = await connect({
      host: m[2]!,
      port: m[3] ? Number(m[3]) : undefined,
      username: m[1]!,
      privateKeyPath: values.identity,
      knownHosts: values['known-hosts'],
      acceptNew: values['accept-new'],
    });
    try {
      const [uptime, df] = await Promise.all([client.run(['uptime']), client.run(['df', '-h'])]);
      const load = /load average: (.*)$/m.exec(uptime.stdout)?.[1] ?? '?';
      const root = df.stdout.split('\n').find((line) => line.trim().endsWith(' /'));
      return {
        host: target,
        status: uptime.code === 0 && df.code === 0 ? 'ok' : 'failed',
        load,
        rootUse: root?.split(/\s+/)[4] ?? '?',
      };
    } finally {
      client.close();
    }
  } catch (err) {
    const reason = err instanceof KeyholeError ? `${err.code}: ${err.message}` : String(err);
    return { host: target, status: reason, load: '-', rootUse: '-' };
  }
}

const rows = await Promise.all(positionals.map(check));
const header: Row = { host: 'HOST', status: 'STATUS', load: 'LOAD (1/5/15 min)', rootUse: 'ROOT FS USED' };
const width = (key: keyof Row) => Math.max(...[header, ...rows].map((r) => r[key].length));
for (const row of [header, ...rows]) {
  process.stdout.write(
    `${row.host.padEnd(width('host'))}  ${row.load.padEnd(width('load'))}  ${row.rootUse.padEnd(width('rootUse'))}  ${row.status}\n`,
  );
}
process.exit(rows.every((r) => r.status === 'ok') ? 0 : 1);
