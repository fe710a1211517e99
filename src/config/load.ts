// Reads keyhole.yaml (or the embedded default), validates it, and reports every problem as `FILE:LINE: field: message`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document, type Node } from 'yaml';
import { rawConfigSchema } from './schema.ts';
import { describeIssues } from './issues.ts';
import { resolveConfig, type ConfigProblem } from './resolve.ts';
import type { Config } from './types.ts';

export type LoadResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Loads and validates a config file; relative paths in it are taken from the file's folder. */
export function loadConfigFile(file: string): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`${file}: cannot read the config: ${(err as NodeJS.ErrnoException).code ?? err}`] };
  }
  return loadConfigText(text, file, path.dirname(path.resolve(file)));
}

/** Validates config text; `source` names it in messages, `baseDir` anchors its relative paths. */
export function loadConfigText(text: string, source: string, baseDir: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => `${source}:${lineCounter.linePos(e.pos[0]).line}: ${firstLine(e.message)}`),
    };
  }
  const format = (p: ConfigProblem) => {
    const line = lineOf(doc, lineCounter, p.path);
    const field = p.path.length > 0 ? `${p.path.join('.')}: ` : '';
    return { line, text: `${source}${line === undefined ? '' : `:${line}`}: ${field}${p.message}` };
  };
  const input: unknown = doc.toJS() ?? {};
  const parsed = rawConfigSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, errors: byLine(describeIssues(parsed.error.issues, input, rawConfigSchema).map(format)) };
  }
  const resolved = resolveConfig(parsed.data, baseDir, source);
  return resolved.ok ? resolved : { ok: false, errors: byLine(resolved.problems.map(format)) };
}

// Errors in the order of the file, each once (two checks can find the same fault).
function byLine(errors: { line: number | undefined; text: string }[]): string[] {
  const sorted = errors.map((e, i) => ({ ...e, i })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.i - b.i);
  return [...new Set(sorted.map((e) => e.text))];
}

// The line of the field at `at`, or of the deepest one that exists along the path (an unknown or missing key is
// reported at its parent). A field in a map is on its key's line: a block map's value starts on the line below.
function lineOf(doc: Document, lineCounter: LineCounter, at: readonly (string | number)[]): number | undefined {
  for (let depth = at.length; depth >= 0; depth--) {
    const node = keyOf(doc, at.slice(0, depth)) ?? doc.getIn(at.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

// The key node that names the last step of `at` in its parent map, if the parent is a map that has it.
function keyOf(doc: Document, at: readonly (string | number)[]): Node | undefined {
  if (at.length === 0) return undefined;
  const parent = doc.getIn(at.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = String(at[at.length - 1]);
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
  return isScalar(pair?.key) ? pair.key : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
