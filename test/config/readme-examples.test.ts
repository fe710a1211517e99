// Every config example in the README and docs/ (each ```yaml block) loads without a problem, once the test fills in
// its placeholders (hashes, key lines, key files, /srv): finding 1 of issue 11 was that the README's own config did
// not validate, and it is the first thing a newcomer copies.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { loadConfigText } from '../../src/config/load.ts';
import { HASH } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

// A block fenced ```yml is part of a config (a key or two to add to one): it need only be valid YAML.
function yamlBlocks(file: string): { line: number; text: string; fragment: boolean }[] {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const blocks: { line: number; text: string; fragment: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = lines[i]!.trim();
    if (fence !== '```yaml' && fence !== '```yml') continue;
    const end = lines.indexOf('```', i + 1);
    blocks.push({ line: i + 1, text: lines.slice(i + 1, end).join('\n'), fragment: fence !== '```yaml' });
    i = end;
  }
  return blocks;
}

// A temp dir standing in for the machine: /srv (with backups), a key pair for keys/*.pub.
function machine(t: { teardown: (fn: () => void) => void }): { dir: string; srv: string; pub: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyhole-readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const srv = path.join(dir, 'srv');
  mkdirSync(path.join(srv, 'backups'), { recursive: true });
  mkdirSync(path.join(dir, 'keys'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'readme', '-f', path.join(dir, 'keys', 'deploy')]);
  return { dir, srv, pub: readFileSync(path.join(dir, 'keys', 'deploy.pub'), 'utf8').trim() };
}

const blocks = DOCS.flatMap((file) => yamlBlocks(file).map((b) => ({ file, ...b })));

test('the README has config examples to check', (t) => {
  t.true(blocks.some((b) => b.file === 'README.md'));
});

for (const block of blocks.filter((b) => b.fragment)) {
  test(`the config fragment at ${block.file}:${block.line} is valid YAML`, (t) => {
    const doc = parseDocument(block.text);
    t.deepEqual(
      doc.errors.map((e) => e.message),
      [],
    );
  });
}

for (const block of blocks.filter((b) => !b.fragment)) {
  test(`the config example at ${block.file}:${block.line} loads`, (t) => {
    const m = machine(t);
    const text = block.text
      .replace(/'\$scrypt\$[^']*\.\.\.'/g, `'${HASH}'`)
      .replace(/'ssh-ed25519 AAAA\.\.\.[^']*'/g, `'${m.pub}'`)
      .replace(/(?<![\w.-])\/srv\b/g, m.srv);
    const loaded = loadConfigText(text, `${block.file}:${block.line}`, m.dir);
    t.true(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  });
}
