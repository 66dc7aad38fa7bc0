// Which bracket is left open: the one a closer of another kind passes over, with brackets in
// strings, indented strings, interpolations and comments not counted.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unclosedBrackets } from '../../core/nix/brackets';

const open = (text: string) => unclosedBrackets(text).map((u) => `${u.bracket}@${u.at}..${u.until}`);

describe('unclosed brackets', () => {
  it('finds the list a closing brace passes over, not the last list', () => {
    const text = '{ a = [ 1; b = [ 2 ]; c = [ 3 ]; }';
    assert.deepEqual(open(text), [`[@6..${text.length - 1}`]);
  });

  it('does not count brackets in strings, indented strings, comments or escapes', () => {
    assert.deepEqual(open('{ a = "[ ${"}"} \\" {"; b = \'\'[ \'\'${ ${"]"} \'\'; /* [ */ # {\n}'), []);
  });

  it('follows interpolations back into their string', () => {
    assert.deepEqual(open('{ a = "x ${ [ 1 } y"; }'), ['[@12..16']);
  });

  it('leaves brackets open at the end of the file as such, to tree-sitter', () => {
    assert.deepEqual(open('{ a = [ 1'), ['{@0..9', '[@6..9']);
  });
});
