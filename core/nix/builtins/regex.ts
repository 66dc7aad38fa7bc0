// POSIX extended regular expressions (what Nix's `match` and `split` take) translated to
// JavaScript ones: bracket classes such as [[:space:]] and whole-string matching for `match`.

import { EvalError } from '../errors';
import type { Loc } from '../source';

const classes: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e', word: '0-9A-Za-z_',
};

const cache = new Map<string, RegExp>();

export function posixRegex(re: string, whole: boolean, loc: Loc): RegExp {
  const key = (whole ? 'w:' : 's:') + re;
  const cached = cache.get(key);
  if (cached) return cached;
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      out += c + (re[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      // Copy a bracket expression, translating [:class:] and escaping what JS treats specially.
      let j = i + 1;
      let body = '';
      if (re[j] === '^') {
        body += '^';
        j++;
      }
      if (re[j] === ']') {
        body += '\\]';
        j++;
      }
      for (; j < re.length && re[j] !== ']'; j++) {
        if (re[j] === '[' && re[j + 1] === ':') {
          const end = re.indexOf(':]', j + 2);
          if (end === -1) throw new EvalError('other', `invalid regular expression '${re}'`, loc);
          const name = re.slice(j + 2, end);
          if (!(name in classes)) throw new EvalError('other', `invalid regular expression '${re}'`, loc);
          body += classes[name];
          j = end + 1;
        } else if (re[j] === '\\') body += '\\\\';
        else if (re[j] === '[' || re[j] === '/') body += '\\' + re[j];
        else body += re[j];
      }
      if (j >= re.length) throw new EvalError('other', `invalid regular expression '${re}'`, loc);
      out += `[${body}]`;
      i = j;
    } else out += c;
  }
  let regex: RegExp;
  try {
    regex = whole ? new RegExp(`^(?:${out})$`, 's') : new RegExp(out, 'gs');
  } catch {
    throw new EvalError('other', `invalid regular expression '${re}'`, loc);
  }
  cache.set(key, regex);
  return regex;
}
