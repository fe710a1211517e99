// What the config tests share: a minimal config to vary, a loader that needs no file, and a macro for refusals.
import test from 'ava';
import { loadConfigText, type LoadResult } from '../../src/config/load.ts';

export const HASH = '$scrypt$ln=15,r=8,p=1$POg32HPW6mvN0ubG/FTjpQ$PkLmXscp56LDH1op9nV0v5UFv4fPBPpOwiED6zK8TGw';

// A config with one user, one role and one command; pass the lines under `commands:` and `roles:` to vary it.
export const base = (commands = '  echo: { program: /bin/echo, args: any }', roles = '  op: { commands: [echo] }') =>
  `users:\n  alice: { password: "${HASH}", role: op }\nroles:\n${roles}\ncommands:\n${commands}\n`;

// Loads config text as the file k.yaml in /tmp.
export const load = (text: string): LoadResult => loadConfigText(text, 'k.yaml', '/tmp');

// The config is refused, and one of its errors matches `expected`.
export const problem = test.macro({
  exec(t, yaml: string, expected: RegExp) {
    const r = load(yaml);
    t.false(r.ok);
    if (!r.ok)
      t.true(
        r.errors.some((e) => expected.test(e)),
        r.errors.join('\n'),
      );
  },
  title: (title) => `refuses ${title}`,
});
