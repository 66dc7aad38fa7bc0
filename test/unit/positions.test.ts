import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Source } from '../../core/nix/source';
import { evalError, ready, syntaxDiagnostics } from '../helpers';

describe('positions', () => {
  before(() => ready);

  it('counts lines across LF, CR LF and lone CR', () => {
    const s = new Source('/f.nix', 'a\r\nb\rc\nd', '/');
    assert.deepEqual(s.position(s.text.indexOf('b')), { line: 1, character: 0 });
    assert.deepEqual(s.position(s.text.indexOf('c')), { line: 2, character: 0 });
    assert.deepEqual(s.position(s.text.indexOf('d')), { line: 3, character: 0 });
  });

  it('measures columns in UTF-16 code units, as LSP does', () => {
    const s = new Source('/f.nix', '\t"é😀" x', '/');
    // tab = 1, quote = 1, é = 1, 😀 = 2 code units, quote, space
    assert.deepEqual(s.position(s.text.indexOf('x')), { line: 0, character: 7 });
    assert.equal(s.describe(s.text.indexOf('x')), '/f.nix:1:8');
  });

  it('locates an evaluation error after emoji and CRLF lines', () => {
    const e = evalError('let\r\n  s = "😀😀";\r\n\tv = s.x;\r\nin v');
    const p = e.loc!.source.position(e.loc!.start);
    assert.equal(e.kind, 'type');
    assert.deepEqual(p, { line: 2, character: 5 });
  });

  it('locates a syntax error on a line with astral characters', () => {
    const [d] = syntaxDiagnostics('{\n  a = "😀";\n  b = 1\n}');
    const p = d.loc.source.position(d.loc.start);
    assert.equal(d.message, 'expected `;` after binding');
    assert.deepEqual(p, { line: 2, character: 7 });
  });
});
