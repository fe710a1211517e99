// `keyhole completion bash|zsh`: the scripts, generated from the commander program, complete its subcommands and
// their options in a real bash (and zsh when installed).
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.ts');

// Runs the CLI from source (dist/ may be older than the tree), as `keyhole ARGS`.
function keyhole(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8' });
}

const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-completion-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const bashScript = keyhole(['completion', 'bash']).stdout;
const bashFile = path.join(dir, 'keyhole.bash');
writeFileSync(bashFile, bashScript);

// What bash completes for the command line `words` (the last word is the one being completed), one per line.
function bashComplete(words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const script = `source '${bashFile}'
COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}
_keyhole_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', cwd: dir });
  return out.split('\n').filter(Boolean);
}

test('sourcing the bash script registers a completion for keyhole', (t) => {
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `source '${bashFile}'; complete -p keyhole`], {
    encoding: 'utf8',
  });
  t.is(out.trim(), 'complete -o filenames -F _keyhole_complete keyhole');
});

test('bash completes the subcommands, the new one among them', (t) => {
  const all = bashComplete(['keyhole', '']);
  for (const name of ['serve', 'init', 'check-config', 'check-policy', 'exec', 'connect', 'completion']) {
    t.true(all.includes(name), name);
  }
  t.deepEqual(bashComplete(['keyhole', 'check-']).sort(), ['check-config', 'check-policy']);
});

test("bash completes a subcommand's own options, not another's", (t) => {
  const serve = bashComplete(['keyhole', 'serve', '--']);
  t.true(serve.includes('--config'));
  t.true(serve.includes('--listen'));
  t.false(serve.includes('--accept-new'));
  t.deepEqual(bashComplete(['keyhole', 'exec', '--acc']), ['--accept-new']);
});

test('bash completes a file after an option that takes a <file>, nothing after one that takes a number', (t) => {
  writeFileSync(path.join(dir, 'keyhole.yaml'), '');
  t.deepEqual(bashComplete(['keyhole', 'serve', '--config', 'keyhole.y']), ['keyhole.yaml']);
  t.deepEqual(bashComplete(['keyhole', 'serve', '--port', '']), []);
});

test('an unknown shell is one line and status 2', (t) => {
  const r = keyhole(['completion', 'fish']);
  t.is(r.status, 2);
  t.is(r.stderr, "keyhole: no completion for shell 'fish': use bash or zsh\n");
  t.is(r.stdout, '');
});

const hasZsh = spawnSync('zsh', ['--version']).status === 0;
if (!hasZsh) console.log('skipping the zsh checks: zsh is not installed');
const zshTest = hasZsh ? test : test.skip;

zshTest('the zsh script parses, and autoloaded it defines _keyhole', (t) => {
  const fpath = path.join(dir, 'zfunc');
  execFileSync('mkdir', ['-p', fpath]);
  writeFileSync(path.join(fpath, '_keyhole'), keyhole(['completion', 'zsh']).stdout);
  t.is(spawnSync('zsh', ['-n', path.join(fpath, '_keyhole')]).status, 0);
  const out = execFileSync(
    'zsh',
    ['-f', '-c', `fpath=('${fpath}' $fpath); autoload -Uz compinit && compinit -u -D; print -r -- $_comps[keyhole]`],
    { encoding: 'utf8' },
  );
  t.is(out.trim(), '_keyhole');
});
