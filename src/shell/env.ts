// Which client-supplied environment variables a command may receive: the config's acceptEnv names (exact, or a
// prefix ending in `*` such as LC_*), with values free of control characters and of bounded size.
import { findControlChar } from '../line/tokenize.ts';

const MAX_ENV_VALUE = 4096;

/** True when `key=value` from a client may reach commands under these acceptEnv patterns. */
export function envAccepted(patterns: readonly string[], key: string, value: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(key)) return false;
  if (value.length > MAX_ENV_VALUE || findControlChar(value) >= 0) return false;
  return patterns.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));
}
