// Where the cursor is in a model file that may be half typed: which sets and lists enclose it
// (with the attribute each is the value of), whether it is inside a string, what is typed so
// far, and which part of the model (service, target, mapping) the innermost set describes.
// Read from the text with a small scanner, because the text being typed rarely parses.

import type { ModelRole } from '../model/roles';
import type { ModelPart } from '../model/schema';

export interface Enclosing {
  bracket: '{' | '[';
  /** The attribute this set or list is the value of (`dependsOn` in `dependsOn = {`), '' if none. */
  key: string;
  /** Offset just after the bracket. */
  start: number;
}

export interface CursorContext {
  /** Outermost first. */
  enclosing: Enclosing[];
  /** The identifier typed before the cursor, and where it starts. */
  prefix: string;
  prefixStart: number;
  /** Typed after `infrastructure.`. */
  afterInfrastructure: boolean;
  /** Inside a string: the attribute it is the value of (`type` in `type = "pro`). */
  stringKey?: string;
  /** What comes before the prefix: a new attribute, `inherit`, or a value after `=`. */
  slot: 'key' | 'inherit' | 'value' | 'other';
}

const IDENT_CHAR = /[A-Za-z0-9_'-]/;

export function cursorContext(text: string, offset: number): CursorContext {
  const enclosing: Enclosing[] = [];
  // In a comment or an indented string: nothing to complete.
  const inert = (): CursorContext => ({ enclosing, prefix: '', prefixStart: offset, afterInfrastructure: false, slot: 'other' });
  let stringStart = -1;
  // Interpolations inside strings: the bracket depth each `${` opened at.
  const interpolations: number[] = [];
  let i = 0;
  while (i < offset) {
    const c = text[i];
    if (stringStart >= 0) {
      if (c === '\\') i += 2;
      else if (c === '"') (stringStart = -1), i++;
      else if (c === '$' && text[i + 1] === '{') {
        interpolations.push(enclosing.length);
        enclosing.push({ bracket: '{', key: '', start: i + 2 });
        stringStart = -1;
        i += 2;
      } else i++;
      continue;
    }
    if (c === '#') {
      const end = text.indexOf('\n', i);
      if (end < 0 || end >= offset) return inert();
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || end + 2 > offset) return inert();
      i = end + 2;
    } else if (c === "'" && text[i + 1] === "'") {
      const end = text.indexOf("''", i + 2);
      if (end < 0 || end + 2 > offset) return inert();
      i = end + 2;
    } else if (c === '"') {
      stringStart = ++i;
    } else if (c === '{' || c === '[') {
      enclosing.push({ bracket: c, key: keyBefore(text, i), start: i + 1 });
      i++;
    } else if (c === '}' || c === ']') {
      enclosing.pop();
      if (c === '}' && interpolations.length && interpolations[interpolations.length - 1] === enclosing.length) {
        interpolations.pop();
        stringStart = i + 1;
      }
      i++;
    } else i++;
  }
  const prefixStart = wordAt(text, offset).start;
  const prefix = text.slice(prefixStart, offset);
  if (stringStart >= 0) {
    return { enclosing, prefix, prefixStart, afterInfrastructure: false, stringKey: keyBefore(text, stringStart - 1), slot: 'value' };
  }
  const before = text.slice(Math.max(0, prefixStart - 200), prefixStart);
  const afterInfrastructure = /infrastructure\s*\.\s*$/.test(before);
  let slot: CursorContext['slot'] = 'other';
  if (/(^|[{;])\s*$/.test(before)) slot = 'key';
  else if (/\binherit\s+([A-Za-z_][A-Za-z0-9_'-]*\s+)*$/.test(before)) slot = 'inherit';
  else if (/=\s*$/.test(before)) slot = 'value';
  return { enclosing, prefix, prefixStart, afterInfrastructure, slot };
}

/** The identifier around `offset`, as a span (empty when there is none). */
export function wordAt(text: string, offset: number): { start: number; end: number } {
  let start = offset;
  let end = offset;
  while (start > 0 && IDENT_CHAR.test(text[start - 1])) start--;
  while (end < text.length && IDENT_CHAR.test(text[end])) end++;
  return { start, end };
}

/** The last name of the attribute path before `=` that precedes `at`, or '' (`rec {`, `in {`, `: {`). */
export function keyBefore(text: string, at: number): string {
  let j = at - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  if (text[j] !== '=' || text[j - 1] === '=' || text[j - 1] === '!' || text[j - 1] === '<' || text[j - 1] === '>') return '';
  j--;
  while (j >= 0 && /\s/.test(text[j])) j--;
  let end = j + 1;
  if (text[j] === '"') {
    const open = text.lastIndexOf('"', j - 1);
    return open >= 0 ? text.slice(open + 1, j) : '';
  }
  while (j >= 0 && IDENT_CHAR.test(text[j])) j--;
  return text.slice(j + 1, end);
}

/**
 * The part of the model whose attributes the innermost set holds: a service in the services
 * model, a target in the infrastructure model, a mapping or one of its targets in the
 * distribution, either in an architecture model; undefined for any other set.
 */
export function partAt(role: ModelRole, enclosing: Enclosing[]): ModelPart | undefined {
  const depth = enclosing.length;
  if (depth === 0 || enclosing[depth - 1].bracket !== '{') return undefined;
  if (role === 'services' && depth === 2) return 'service';
  if (role === 'infrastructure' && depth === 2) return 'target';
  if (role === 'distribution' && depth === 2) return 'mapping';
  if (role === 'distribution' && depth > 2) return 'targetMapping';
  if (role === 'architecture' && depth === 3) return enclosing[1].key === 'services' ? 'service' : enclosing[1].key === 'infrastructure' ? 'target' : undefined;
  if (role === 'architecture' && depth > 3 && enclosing[1].key === 'services' && enclosing[3].key === 'targets') return 'targetMapping';
  return undefined;
}
