// Small value checks for the frame codecs. Each check says in one sentence what is wrong with a value, naming where
// it sits in the frame ("limits.maxRuns", "commands[2].name"), or returns null when the value is right. Pure.
import { printable } from '../line/printable.ts';
import { MAX_ID } from './frames.ts';

/** What is wrong with a value at `at`, in one sentence, or null when it is right. */
export type Check = (value: unknown, at: string) => string | null;

/** Standard base64 (the alphabet with + and /, padded with =). */
export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a frame id: a string of 1-64 characters. */
export function validId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID;
}

/** A check from a test, with what the value must be in words ("an integer"). */
export function must(want: string, test: (value: unknown) => boolean): Check {
  return (value, at) => (test(value) ? null : `"${at}" must be ${want}, got ${shown(value)}`);
}

// The checks of single values that the frames are made of.
export const text = must('a string', (v) => typeof v === 'string');
export const integer = must('an integer', (v) => Number.isInteger(v));
export const count = must('an integer of 0 or more', (v) => Number.isInteger(v) && (v as number) >= 0);
export const duration = must('a number of 0 or more', (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0);
export const flag = must('true or false', (v) => typeof v === 'boolean');
export const base64 = must('base64 text', (v) => typeof v === 'string' && BASE64.test(v));
export const frameId = must(`a string of 1-${MAX_ID} characters`, validId);

/** One of a fixed list of strings. */
export function oneOf(values: readonly string[]): Check {
  return must(`one of ${values.join(', ')}`, (v) => typeof v === 'string' && values.includes(v));
}

/** The check, or nothing at all. */
export function optional(check: Check): Check {
  return (value, at) => (value === undefined ? null : check(value, at));
}

/** The check, or null. */
export function nullable(check: Check): Check {
  return (value, at) => (value === null ? null : check(value, at));
}

/** An array whose every item passes the check. */
export function listOf(check: Check): Check {
  return (value, at) => {
    if (!Array.isArray(value)) return `"${at}" must be an array, got ${shown(value)}`;
    for (const [i, item] of value.entries()) {
      const problem = check(item, `${at}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  };
}

/** An object whose named fields pass their checks; other fields are ignored, as the spec says. */
export function shape(fields: Readonly<Record<string, Check>>): Check {
  return (value, at) =>
    isObject(value) ? fieldsProblem(value, fields, `${at}.`) : `"${at}" must be an object, got ${shown(value)}`;
}

/** The first field of `value` that fails its check, as a sentence; null when every field passes. */
export function fieldsProblem(
  value: Record<string, unknown>,
  fields: Readonly<Record<string, Check>>,
  prefix = '',
): string | null {
  for (const [name, check] of Object.entries(fields)) {
    // Own fields only: a frame {"__proto__": ...} or one without "toString" must not reach Object.prototype's.
    const field = Object.hasOwn(value, name) ? value[name] : undefined;
    const problem = check(field, `${prefix}${name}`);
    if (problem !== null) return problem;
  }
  return null;
}

/** A value in a message: short, printable (a client may show it on a terminal), and "nothing" when missing. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = printable(JSON.stringify(value));
  return json.length > 40 ? `${json.slice(0, 40)}...` : json;
}
