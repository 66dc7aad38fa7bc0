// Which brackets of a Nix text are not closed. Tree-sitter's recovery from an unclosed `[` or
// `{` can swallow the rest of the file into one error, far from the mistake; matching brackets
// over the tokens that can hold them (not strings or comments) finds the one left open. A closer
// of another kind (`}` while a `[` is open) closes the open bracket's enclosing one: the `[` is
// the one not closed.

export interface UnclosedBracket {
  /** Where the bracket is. */
  at: number;
  bracket: '[' | '{' | '(' | '${';
  /** Where the text went on as if it were closed (the closer of an enclosing bracket), else the end. */
  until: number;
}

const CLOSER = { '[': ']', '{': '}', '(': ')', '${': '}' } as const;

type Frame = { at: number; bracket: UnclosedBracket['bracket']; /** An interpolation returns into a string of this kind. */ into?: '"' | "''" };

export function unclosedBrackets(text: string): UnclosedBracket[] {
  const open: Frame[] = [];
  const unclosed: UnclosedBracket[] = [];
  let i = 0;
  /** Scans a string from `i` to its end, or to an interpolation (pushed); returns whether it ended. */
  const string = (kind: '"' | "''"): void => {
    while (i < text.length) {
      if (kind === '"') {
        if (text[i] === '\\') i += 2;
        else if (text[i] === '"') return void i++;
        else if (text.startsWith('$${', i)) i += 3;
        else if (text.startsWith('${', i)) return void (open.push({ at: i, bracket: '${', into: kind }), (i += 2));
        else i++;
      } else if (text.startsWith("'''", i) || text.startsWith("''$", i)) i += 3;
      else if (text.startsWith("''\\", i)) i += 4;
      else if (text.startsWith("''", i)) return void (i += 2);
      else if (text.startsWith('$${', i)) i += 3;
      else if (text.startsWith('${', i)) return void (open.push({ at: i, bracket: '${', into: kind }), (i += 2));
      else i++;
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"') {
      i++;
      string('"');
    } else if (text.startsWith("''", i)) {
      i += 2;
      string("''");
    } else if (c === '[' || c === '{' || c === '(') {
      open.push({ at: i, bracket: c });
      i++;
    } else if (c === ']' || c === '}' || c === ')') {
      // A closer of another kind closes an enclosing bracket: the ones inside it were left open.
      let match = open.length - 1;
      while (match >= 0 && CLOSER[open[match].bracket] !== c) match--;
      if (match >= 0) {
        for (const f of open.splice(match + 1)) unclosed.push({ at: f.at, bracket: f.bracket, until: i });
        const closed = open.pop()!;
        i++;
        if (closed.into) string(closed.into);
      } else i++; // a stray closer: tree-sitter's own message says so
    } else i++;
  }
  for (const f of open) unclosed.push({ at: f.at, bracket: f.bracket, until: text.length });
  return unclosed.sort((a, b) => a.at - b.at);
}
