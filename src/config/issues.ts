// Turns the schema's findings (zod issues) into problems in Keyhole's words: one per unknown key, at that key, with
// "did you mean"; what a field must be, rather than the validator's type names.
import { z } from 'zod';
import type { ConfigProblem } from './types.ts';
import { didYouMean } from './suggest.ts';

type At = (string | number)[];
type Issue = z.core.$ZodIssue;

// What some fields are, where "a mapping" or "text" would not guide (`*` stands for any name).
const WHAT: Record<string, string> = {
  users: 'users must be a mapping of user name to its password or authorizedKeys and role',
  roles: 'roles must be a mapping of role name to its commands',
  commands: 'commands must be a mapping of command name to its program and argument rules',
  'users.*': 'a user is a mapping such as { password: ..., role: operator }',
  'roles.*': 'a role is a mapping such as { commands: [ls, df] }',
  'commands.*': 'a command is a mapping such as { program: /bin/ls, args: none }',
  'users.*.role': 'each user needs the role it belongs to, e.g. role: operator',
  'commands.*.program': 'each command needs the program it runs, e.g. program: /bin/ls',
};

// The words for a type the schema expects.
const TYPES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list, such as [a, b]',
  object: 'a mapping (name: value)',
  record: 'a mapping (name: value)',
};

/** The problems of one failed parse of `input` against `schema`, in plain words, one per unknown key. */
export function describeIssues(issues: readonly Issue[], input: unknown, schema: z.ZodType): ConfigProblem[] {
  return issues.flatMap((issue) => describe(issue, issue.path as At, input, schema));
}

function describe(issue: Issue, at: At, input: unknown, schema: z.ZodType): ConfigProblem[] {
  const value = valueAt(input, at);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(schema, at);
      return issue.keys.map((key) => ({ path: [...at, key], message: unknownKey(key, allowed) }));
    }
    case 'invalid_union':
      return describeUnion(issue, at, input, schema);
    case 'invalid_key':
      return [{ path: at, message: `'${at[at.length - 1]}' ${nested(issue.issues)}` }];
    case 'invalid_element':
      return [{ path: at, message: nested(issue.issues) }];
    default:
      return [{ path: at, message: plain(issue, at, value) }];
  }
}

function nested(issues: readonly Issue[]): string {
  return issues.map((i) => i.message).join('; ');
}

// A union whose custom message (in the schema) says what it takes; a mapping given to a union with one mapping branch
// is described by that branch (its unknown keys, its fields).
function describeUnion(issue: Issue & { code: 'invalid_union' }, at: At, input: unknown, schema: z.ZodType) {
  const value = valueAt(input, at);
  if (isMapping(value)) {
    const branch = issue.errors.find(
      (errors) => !errors.some((e) => e.path.length === 0 && e.code !== 'unrecognized_keys'),
    );
    if (branch) return branch.flatMap((e) => describe(e, [...at, ...(e.path as At)], input, schema));
  }
  const custom = issue.message !== 'Invalid input' ? issue.message : undefined;
  const kinds = issue.errors.map((errors) => (errors[0] ? expectation(errors[0]) : undefined)).filter(Boolean);
  const must = custom ?? `must be ${[...new Set(kinds)].join(' or ')}`;
  return [{ path: at, message: value === undefined ? `missing: ${must}` : `${must}, not ${shown(value)}` }];
}

// What one issue at a field means, in words.
function plain(issue: Issue, at: At, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined)
        return `missing: ${WHAT[pattern(at)] ?? `give ${TYPES[issue.expected] ?? issue.expected}`}`;
      const what = WHAT[pattern(at)];
      const must = what ?? `must be ${TYPES[issue.expected] ?? issue.expected}`;
      const quote =
        issue.expected === 'string' && (typeof value === 'boolean' || typeof value === 'number' || value === null)
          ? ` (put it in quotes to make it a string, e.g. '${String(value)}')`
          : '';
      return `${must}, not ${shown(value)}${quote}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}${issue.origin === 'array' ? ' items' : ''}, got ${shown(value)}`;
    case 'too_big':
      return `must be at most ${issue.maximum}${issue.origin === 'array' ? ' items' : ''}, got ${shown(value)}`;
    case 'invalid_value': {
      const values = issue.values.map(String);
      const typo = typeof value === 'string' ? didYouMean(value, values) : '';
      const got = typeof value === 'string' ? `'${value}'` : shown(value);
      return `must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, got ${got}${typo}`;
    }
    case 'invalid_format':
      return `'${String(value)}' ${issue.message}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, got ${shown(value)}`;
    default:
      return issue.message;
  }
}

// One kind of value a union branch expected, for "must be X or Y".
function expectation(issue: Issue): string | undefined {
  if (issue.code === 'invalid_type') return TYPES[issue.expected] ?? issue.expected;
  if (issue.code === 'invalid_value') return issue.values.map(String).join(' or ');
  return undefined;
}

function unknownKey(key: string, allowed: readonly string[]): string {
  const typo = didYouMean(key, allowed);
  if (typo) return `unknown field '${key}'${typo}`;
  return `unknown field '${key}' (allowed here: ${allowed.join(', ') || 'nothing'})`;
}

// A value as a person would recognise it in their file.
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `text '${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(input: unknown, at: At): unknown {
  let value = input;
  for (const step of at) value = isMapping(value) || Array.isArray(value) ? (value as never)[step] : undefined;
  return value;
}

// `users.alice.role` -> `users.*.role`: the names people choose are not part of the shape.
function pattern(at: At): string {
  const named = new Set(['users', 'roles', 'commands']);
  return at.map((step, i) => (i === 1 && named.has(String(at[0])) ? '*' : String(step))).join('.');
}

// The keys allowed in the mapping at `at`, read from the schema (optional, unions, records and lists unwrapped).
function keysAt(schema: z.ZodType, at: At): string[] {
  let node: z.ZodType | undefined = schema;
  for (const step of at) node = child(unwrap(node), step);
  const obj = unwrap(node);
  return obj instanceof z.ZodObject ? Object.keys(obj.shape) : [];
}

function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
  let n = node;
  for (;;) {
    if (n instanceof z.ZodOptional) n = n.unwrap() as z.ZodType;
    else if (n instanceof z.ZodUnion) n = (n.options as z.ZodType[]).find((o) => unwrap(o) instanceof z.ZodObject);
    else return n;
  }
}

function child(node: z.ZodType | undefined, step: string | number): z.ZodType | undefined {
  if (node instanceof z.ZodObject) return (node.shape as Record<string, z.ZodType>)[String(step)];
  if (node instanceof z.ZodRecord) return node.valueType as z.ZodType;
  if (node instanceof z.ZodArray) return node.element as z.ZodType;
  return undefined;
}
