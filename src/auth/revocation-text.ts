// The other form sshd accepts for RevokedKeys: a text list of public keys, one `TYPE BASE64 [COMMENT]` a line, with
// blank lines and # comments (authfile.c's sshkey_in_file). A line sshd could not read makes sshd refuse every key,
// so here it is an error naming the line. Options (as authorized_keys has them) are not part of this format. A
// certificate line revokes the key it certifies, as sshd compares only the public parts.
import { isKeyType, plainKeyOf, printable } from './revocation-keys.ts';
import { RevocationBuilder, type RevokedKeys } from './revocation-list.ts';
import { WireError, WireReader } from './revocation-wire.ts';

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Reads a text list of keys; the first problem as `source:line: message` when a line is not a key. */
export function parseKeyList(text: string, source: string): { revoked: RevokedKeys } | { error: string } {
  const builder = new RevocationBuilder();
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) return;
    const result = keyOfLine(line);
    if (typeof result === 'string') problems.push(`${source}:${index + 1}: ${result}`);
    else builder.keys.add(result.toString('hex'));
  });
  if (problems.length === 0) return { revoked: builder.finish(source) };
  const others = problems.length - 1;
  const more = others === 0 ? '' : ` (and ${others} more bad line${others === 1 ? '' : 's'})`;
  return { error: `${problems[0]}${more}` };
}

// The canonical plain blob a line names, or why the line is not a key.
function keyOfLine(line: string): Buffer | string {
  const [type = '', data = ''] = line.split(/[ \t]+/);
  if (!isKeyType(type)) {
    const looksLikeOptions = line.split(/[ \t]+/).some(isKeyType);
    return looksLikeOptions
      ? 'options are not allowed in a revocation list: keep only TYPE BASE64 [COMMENT]'
      : `not a key line (expected 'TYPE BASE64 [COMMENT]'; unknown key type '${printable(type)}')`;
  }
  if (data === '' || !BASE64_RE.test(data)) return `the key data after '${type}' is not base64`;
  const blob = Buffer.from(data, 'base64');
  try {
    // As sshkey_read: the type written on the line must be the one inside the key data.
    const inner = new WireReader(blob, 'the key data').cstring('the key type');
    if (inner !== type) return `the line says '${type}' but the key data is '${printable(inner)}'`;
    return plainKeyOf(blob, 'the key data').blob;
  } catch (err) {
    if (err instanceof WireError) return err.message;
    throw err;
  }
}
