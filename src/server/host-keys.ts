// Host keys: read from the configured files; a missing key file is generated (ed25519, mode 0600) on first start,
// as sshd-keygen does, so a fresh clone runs without a manual step.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';

const { utils } = ssh2; // ssh2 is CommonJS: its named exports are not visible to ESM imports
import { fingerprintSha256 } from '../ssh/fingerprint.ts';

export interface HostKey {
  readonly file: string;
  readonly pem: Buffer;
  readonly type: string;
  readonly fingerprint: string;
  readonly generated: boolean;
}

/** Loads every host key, generating the missing ones; throws with a one-line message when a file is unusable. */
export function loadHostKeys(files: readonly string[]): HostKey[] {
  return files.map((file) => {
    const generated = !existsSync(file);
    if (generated) generateHostKey(file);
    const pem = readFileSync(file);
    const parsed = utils.parseKey(pem);
    if (parsed instanceof Error) throw new Error(`host key ${file} cannot be read: ${parsed.message}`);
    const key = Array.isArray(parsed) ? parsed[0]! : parsed;
    return { file, pem, type: key.type, fingerprint: fingerprintSha256(key.getPublicSSH()), generated };
  });
}

function generateHostKey(file: string): void {
  if (!file.endsWith('ed25519_key') && !path.basename(file).includes('ed25519')) {
    throw new Error(
      `host key ${file} does not exist; only ed25519 keys are generated: name it *_ed25519_key or create it with ssh-keygen`,
    );
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pair = generateUsablePair();
  writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  writeFileSync(`${file}.pub`, `${pair.public}\n`, { mode: 0o644 });
}

// ssh2 1.17's ed25519 generator now and then writes a key its own parser rejects (upstream issues 1390 and 1513),
// so a new key is kept only once it parses back. Also used by `keyhole init` for the bot's key pair.
export function generateUsablePair(comment = 'keyhole host key'): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('could not generate a usable ed25519 host key: create one with ssh-keygen -t ed25519');
}
