// Every figure the bench reports: what it measures, its unit, which way is better, the target ratio, and the
// client it is measured with.
import type { ClientProfile } from '../load/transport.ts';
import type { Plan } from '../options.ts';

export type MetricId =
  | 'rtt-openssh'
  | 'rtt-ssh2'
  | 'logins-openssh'
  | 'logins-ssh2'
  | 'cmds-exec'
  | 'cmds-protocol'
  | 'stream-openssh'
  | 'stream-openssh-aes'
  | 'stream-ssh2'
  | 'mem-pss-0'
  | 'mem-pss-n'
  | 'mem-pss-per-session'
  | 'mem-rss-per-session'
  | 'echo-p50'
  | 'echo-p99'
  | 'load-commands'
  | 'cpu-login'
  | 'cpu-command'
  | 'cpu-stream'
  | 'cpu-stream-openssh'
  | 'rtt-openssh-default-kex'
  | 'logins-openssh-default-kex'
  | 'confine-rtt-off'
  | 'confine-rtt-on'
  | 'confine-rtt-ratio'
  | 'confine-rtt-p99-off'
  | 'confine-rtt-p99-on'
  | 'confine-cmds-off'
  | 'confine-cmds-on'
  | 'confine-cmds-ratio';

/** One round's figures for one server; null = not measurable there (sshd has no keyhole-v1 subsystem). */
export type Figures = Partial<Record<MetricId, number | null>>;

export interface Target {
  /** Keyhole ÷ sshd must be at most (`<=`) or at least (`>=`) this. */
  readonly op: '<=' | '>=';
  readonly ratio: number;
}

export interface MetricDef {
  readonly id: MetricId;
  readonly figure: number;
  readonly label: string;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly digits: number;
  readonly target?: Target;
  /** 'pinned': both clients pinned to curve25519-sha256; 'default': the OpenSSH client's own default kex. */
  readonly kex: 'pinned' | 'default';
  /** The client the figure is measured with (its kex and cipher are on the row); null for none (memory at rest). */
  readonly client: ClientProfile | null;
}

// The client of each figure: OpenSSH's ssh for the rows that say so, else the ssh2 load generator.
function clientOf(id: MetricId, kex: MetricDef['kex']): ClientProfile | null {
  if (kex === 'default') return 'openssh-default-kex';
  if (id === 'stream-openssh-aes') return 'openssh-aes128-gcm';
  if (id === 'mem-pss-0') return null;
  if (/openssh|^cpu-login$|^confine-rtt/.test(id)) return 'openssh';
  return 'ssh2';
}

/** The figures in report order, with labels that name this plan's sizes. */
export function metricDefs(plan: Plan): MetricDef[] {
  const mib = Math.round(plan.streamBytes / 1024 / 1024);
  const p = plan.parallelClients;
  const logins = plan.confinementLogins;
  const m = (
    id: MetricId,
    figure: number,
    label: string,
    unit: string,
    better: MetricDef['better'],
    digits: number,
    target?: Target,
    kex: MetricDef['kex'] = 'pinned',
  ): MetricDef => ({ id, figure, label, unit, better, digits, target, kex, client: clientOf(id, kex) });
  return [
    m('rtt-openssh', 1, 'exec round trip `true`, sequential (OpenSSH ssh)', 'ms/login', 'lower', 1, {
      op: '<=',
      ratio: 0.25,
    }),
    m('rtt-ssh2', 1, 'exec round trip `true`, sequential (ssh2 client)', 'ms/login', 'lower', 1),
    m('cpu-login', 1, 'server CPU per login (OpenSSH ssh, `true`)', 'ms', 'lower', 1),
    m('logins-openssh', 2, `logins/s, ${p} clients in parallel (OpenSSH ssh)`, 'logins/s', 'higher', 1, {
      op: '>=',
      ratio: 2,
    }),
    m('logins-ssh2', 2, `logins/s, ${p} clients in parallel (ssh2 load generator)`, 'logins/s', 'higher', 1),
    m('cmds-exec', 3, '`true` over one connection, exec channels', 'commands/s', 'higher', 1),
    m('cpu-command', 3, 'server CPU per `true` exec channel', 'ms', 'lower', 1),
    m('cmds-protocol', 3, '`true` over one connection, keyhole-v1 subsystem', 'commands/s', 'higher', 1),
    m('stream-openssh', 4, `\`cat\` ${mib} MiB to /dev/null (OpenSSH ssh)`, 'MB/s', 'higher', 1, {
      op: '>=',
      ratio: 1.2,
    }),
    m('stream-openssh-aes', 4, `\`cat\` ${mib} MiB to /dev/null (OpenSSH ssh, aes128-gcm)`, 'MB/s', 'higher', 1, {
      op: '>=',
      ratio: 1.5,
    }),
    m('cpu-stream-openssh', 4, 'server CPU per MiB streamed (OpenSSH ssh, `cat` included)', 'ms/MiB', 'lower', 2),
    m('stream-ssh2', 4, `\`cat\` ${mib} MiB, discarded (ssh2 client)`, 'MB/s', 'higher', 1),
    m('cpu-stream', 4, 'server CPU per MiB streamed (ssh2 client, `cat` included)', 'ms/MiB', 'lower', 2),
    m('mem-pss-0', 5, 'server PSS, 0 sessions', 'MiB', 'lower', 1),
    m('mem-pss-n', 5, `server PSS, ${plan.idleSessions} idle sessions`, 'MiB', 'lower', 1),
    m('mem-pss-per-session', 5, 'PSS per idle session', 'KiB', 'lower', 1, { op: '<=', ratio: 0.05 }),
    m('mem-rss-per-session', 5, 'RSS per idle session', 'KiB', 'lower', 1),
    m('echo-p50', 6, `\`echo\` p50 while ${plan.loadSessions} sessions run commands`, 'ms', 'lower', 2),
    m('echo-p99', 6, `\`echo\` p99 while ${plan.loadSessions} sessions run commands`, 'ms', 'lower', 2, {
      op: '<=',
      ratio: 1,
    }),
    m('load-commands', 6, `background commands/s done by the ${plan.loadSessions} sessions`, 'commands/s', 'higher', 1),
    m(
      'confine-rtt-off',
      7,
      `round trip \`true\`, median of ${logins}, confinement off (OpenSSH ssh)`,
      'ms/login',
      'lower',
      1,
    ),
    m(
      'confine-rtt-on',
      7,
      `round trip \`true\`, median of ${logins}, confinement on (OpenSSH ssh)`,
      'ms/login',
      'lower',
      1,
    ),
    m('confine-rtt-ratio', 7, 'round trip median, confinement on ÷ off', '×', 'lower', 2),
    m('confine-rtt-p99-off', 7, `round trip \`true\`, p99 of ${logins}, confinement off`, 'ms/login', 'lower', 1),
    m('confine-rtt-p99-on', 7, `round trip \`true\`, p99 of ${logins}, confinement on`, 'ms/login', 'lower', 1),
    m('confine-cmds-off', 7, '`true` over one connection, exec channels, confinement off', 'commands/s', 'higher', 1),
    m('confine-cmds-on', 7, '`true` over one connection, exec channels, confinement on', 'commands/s', 'higher', 1),
    m('confine-cmds-ratio', 7, '`true`/s over one connection, confinement on ÷ off', '×', 'higher', 2),
    m(
      'rtt-openssh-default-kex',
      1,
      'exec round trip `true` (OpenSSH ssh, default kex)',
      'ms/login',
      'lower',
      1,
      undefined,
      'default',
    ),
    m(
      'logins-openssh-default-kex',
      2,
      `logins/s, ${p} in parallel (OpenSSH ssh, default kex)`,
      'logins/s',
      'higher',
      1,
      undefined,
      'default',
    ),
  ];
}
