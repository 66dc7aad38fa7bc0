// Decodes the literal parts of Nix strings exactly as Nix's lexer does. Tree-sitter finds the
// interpolations; the text between them is decoded here, because escapes and, for indented
// strings, indentation stripping must follow Nix to the byte.

export interface IndentToken {
  text: string;
  /** Plain text counts towards indentation; escapes and interpolations end a line's indent. */
  hasIndentation: boolean;
}

function unescapeChar(c: string): string {
  if (c === 'n') return '\n';
  if (c === 'r') return '\r';
  if (c === 't') return '\t';
  return c;
}

/** Decodes a segment of a "double-quoted" string: backslash escapes, CR and CR LF become LF. */
export function decodeStringSegment(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      i++;
      const e = raw[i];
      if (e === '\r') {
        out += '\n';
        if (raw[i + 1] === '\n') i++;
      } else out += unescapeChar(e);
    } else if (c === '\r') {
      out += '\n';
      if (raw[i + 1] === '\n') i++;
    } else out += c;
  }
  return out;
}

/** Splits a segment of an ''indented string'' into Nix's lexer tokens. */
export function lexIndentedSegment(raw: string, out: IndentToken[]): void {
  let i = 0;
  let plain = '';
  const flush = () => {
    if (plain) out.push({ text: plain, hasIndentation: true });
    plain = '';
  };
  while (i < raw.length) {
    const c = raw[i];
    const next = raw[i + 1];
    if (c === "'" && next === "'") {
      const third = raw[i + 2];
      flush();
      if (third === '$') {
        out.push({ text: '$', hasIndentation: false });
        i += 3;
      } else if (third === "'") {
        out.push({ text: "''", hasIndentation: false });
        i += 3;
      } else if (third === '\\' && i + 3 < raw.length) {
        out.push({ text: unescapeChar(raw[i + 3]), hasIndentation: false });
        i += 4;
      } else {
        // Only reachable in text tree-sitter already flagged; keep it literally.
        plain += "''";
        i += 2;
      }
    } else if (c === '$' && (next === undefined || next === '{' || next === "'")) {
      flush();
      out.push({ text: '$', hasIndentation: false });
      i += 1;
    } else if (c === "'" && (next === undefined || next === '$')) {
      flush();
      out.push({ text: "'", hasIndentation: false });
      i += 1;
    } else if (c === '$' || c === "'") {
      plain += c + next;
      i += 2;
    } else {
      plain += c;
      i += 1;
    }
  }
  flush();
}

/**
 * Nix's indentation stripping: the smallest indentation (spaces only) of the lines that have
 * content is removed from every line, and a last line of only spaces is dropped.
 * `items` are tokens or interpolations (`null`), which end the start-of-line whitespace.
 */
export function stripIndentation<T>(items: (IndentToken | { expr: T })[]): (string | T)[] {
  let atStartOfLine = true;
  let minIndent = 1000000;
  let curIndent = 0;
  for (const item of items) {
    if (!('text' in item) || !item.hasIndentation) {
      if (atStartOfLine) {
        atStartOfLine = false;
        if (curIndent < minIndent) minIndent = curIndent;
      }
      continue;
    }
    for (const ch of item.text) {
      if (atStartOfLine) {
        if (ch === ' ') curIndent++;
        else if (ch === '\n') curIndent = 0;
        else {
          atStartOfLine = false;
          if (curIndent < minIndent) minIndent = curIndent;
        }
      } else if (ch === '\n') {
        atStartOfLine = true;
        curIndent = 0;
      }
    }
  }

  const result: (string | T)[] = [];
  atStartOfLine = true;
  let curDropped = 0;
  items.forEach((item, idx) => {
    if (!('text' in item)) {
      atStartOfLine = false;
      curDropped = 0;
      result.push(item.expr);
      return;
    }
    let s = '';
    for (const ch of item.text) {
      if (atStartOfLine) {
        if (ch === ' ') {
          if (curDropped++ >= minIndent) s += ch;
        } else if (ch === '\n') {
          curDropped = 0;
          s += ch;
        } else {
          atStartOfLine = false;
          curDropped = 0;
          s += ch;
        }
      } else {
        s += ch;
        if (ch === '\n') atStartOfLine = true;
      }
    }
    if (idx === items.length - 1) {
      const p = s.lastIndexOf('\n');
      if (p !== -1 && /^ *$/.test(s.slice(p + 1))) s = s.slice(0, p + 1);
    }
    result.push(s);
  });
  return result;
}
