// Where the cursor is in a model file that may be half typed: which sets and lists enclose it
// (with the attribute each is the value of), whether it is inside a string, and what is typed
// so far. Read from the text with a small scanner, because the text being typed rarely parses.

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
      if (end < 0 || end >= offset) return { enclosing, prefix: '', prefixStart: offset, afterInfrastructure: false, slot: 'other' };
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || end + 2 > offset) return { enclosing, prefix: '', prefixStart: offset, afterInfrastructure: false, slot: 'other' };
      i = end + 2;
    } else if (c === "'" && text[i + 1] === "'") {
      const end = text.indexOf("''", i + 2);
      if (end < 0 || end + 2 > offset) return { enclosing, prefix: '', prefixStart: offset, afterInfrastructure: false, slot: 'other' };
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
  let prefixStart = offset;
  while (prefixStart > 0 && IDENT_CHAR.test(text[prefixStart - 1])) prefixStart--;
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

/** The last name of the attribute path before `=` that precedes `at`, or '' (`rec {`, `in {`, `: {`). */
function keyBefore(text: string, at: number): string {
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

/** The names of the sets enclosing the cursor, outermost first, e.g. ['', 'HelloService', 'dependsOn']. */
export function keyPath(ctx: CursorContext): string[] {
  return ctx.enclosing.map((e) => e.key);
}
