// Targets as people write them: `user@host`, `user@host:port`, `[::1]:2222`, `host`; and --hosts files of them.

export interface Target {
  readonly user: string;
  readonly host: string;
  readonly port: number;
  /** As written, for messages and summaries. */
  readonly label: string;
}

export type ParsedTarget = { ok: true; target: Target } | { ok: false; reason: string };

/** Parses one target; `defaults` fill in what it leaves out. */
export function parseTarget(text: string, defaults: { user: string; port: number }): ParsedTarget {
  const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m)
    return { ok: false, reason: `'${text}' is not a target: write USER@HOST, USER@HOST:PORT or USER@[IPv6]:PORT` };
  const port = m[3] === undefined ? defaults.port : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return { ok: false, reason: `port in '${text}' is out of range` };
  const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
  return { ok: true, target: { user: m[1] ?? defaults.user, host, port, label: text.trim() } };
}

/** Reads a --hosts file: one target per line, `#` comments and blank lines skipped. */
export function parseHostsFile(
  text: string,
  defaults: { user: string; port: number },
): { targets: Target[]; errors: string[] } {
  const targets: Target[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const content = line.replace(/#.*$/, '').trim();
    if (content === '') return;
    const parsed = parseTarget(content, defaults);
    if (parsed.ok) targets.push(parsed.target);
    else errors.push(`line ${i + 1}: ${parsed.reason}`);
  });
  return { targets, errors };
}
