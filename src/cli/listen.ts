// `keyhole serve --listen HOST:PORT` / `--port N`: where to listen instead of the config's `listen:`, for quick tries.
// Accepted as OpenSSH's ListenAddress is written: `HOST`, `HOST:PORT`, `[V6]:PORT`, `[V6]` or a bare IPv6 address.
import { isIP } from 'node:net';

export interface ListenOverride {
  readonly host?: string;
  readonly port?: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses `--port`: an integer from 1 to 65535 (0 asks the kernel for a free one, which tests use). */
export function parsePort(text: string): Parsed<number> {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return { ok: true, value: port };
  return { ok: false, reason: `--port must be a number from 0 to 65535, got '${text}'` };
}

/** Parses `--listen`. */
export function parseListen(text: string): Parsed<ListenOverride> {
  const bad = (why: string): Parsed<ListenOverride> => ({
    ok: false,
    reason: `--listen ${why}, got '${text}': write HOST:PORT, such as 127.0.0.1:2222 or [::1]:2222`,
  });
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) [host, portText] = [bracketed[1]!, bracketed[2]];
  else if (isIP(text) === 6) host = text;
  else {
    const colon = text.lastIndexOf(':');
    [host, portText] = colon < 0 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
  }
  if (host === '') return bad('needs a host');
  if (bracketed && isIP(host) !== 6) return bad('takes only IPv6 addresses in brackets');
  if (!bracketed && isIP(host) === 0 && !/^[A-Za-z0-9.-]+$/.test(host)) return bad('needs an address or host name');
  if (portText === undefined) return { ok: true, value: { host } };
  const port = parsePort(portText);
  if (!port.ok) return bad('needs a port from 0 to 65535');
  return { ok: true, value: { host, port: port.value } };
}
