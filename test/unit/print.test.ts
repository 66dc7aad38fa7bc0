import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { printValue } from '../../core/nix/print';
import { Evaluator } from '../../core/nix/eval';
import { ready } from '../helpers';

describe('printValue', () => {
  before(() => ready);

  const print = (text: string) => {
    const ev = new Evaluator();
    return printValue(ev, ev.evalString(text, '/project'), { maxDepth: 3 });
  };

  it('quotes a real string even when it looks like a marker', () => {
    assert.equal(print('{ s = "«unknown: not really»"; }'), '{\n  s = "«unknown: not really»";\n}');
  });

  it('marks unknown values and errors without failing', () => {
    assert.equal(print('{ a = (import <nixpkgs> { }).hello; b = throw "boom"; c = 1; }'),
      "{\n  a = «unknown: file 'nixpkgs' was not found in the Nix search path (add it using $NIX_PATH or -I)»;\n  b = «error: boom»;\n  c = 1;\n}");
  });
});
