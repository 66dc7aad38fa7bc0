import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { MAX_NESTING } from '../../core/nix/lower';
import { Evaluator } from '../../core/nix/eval';
import { ready, source, syntaxDiagnostics } from '../helpers';

function first(text: string): { message: string; at: string } {
  const d = syntaxDiagnostics(text)[0];
  assert.ok(d, `expected a syntax error in ${JSON.stringify(text)}`);
  const p = d.loc.source.position(d.loc.start);
  return { message: d.message, at: `${p.line + 1}:${p.character + 1}` };
}

describe('syntax errors', () => {
  before(() => ready);

  it('reports a valid file as clean', () => {
    assert.deepEqual(syntaxDiagnostics('{ a = 1; b = [ "x" ./y ]; c = x: x; }'), []);
  });

  it('names an unterminated string', () => {
    assert.match(first('{ a = "abc; }').message, /unterminated string/);
  });

  it('names an unterminated indented string', () => {
    assert.match(first("{ a = ''abc; }").message, /unterminated indented string/);
  });

  it('points a missing `;` at the end of the previous value', () => {
    assert.deepEqual(first('{ a = 1 b = 2; }'), { message: 'expected `;` after binding', at: '1:8' });
  });

  it('reports a missing closing brace', () => {
    assert.match(first('{ a = 1;').message, /expected `}`/);
  });

  it('reports a missing expression', () => {
    assert.equal(first('x: ').message, 'expected an expression');
  });

  it('explains an unexpected `in`', () => {
    assert.match(first('let a = 1 in a').message, /unexpected `in`/);
  });

  it('reports duplicate attributes with the first definition as related information', () => {
    const [d] = syntaxDiagnostics('{ a = 1;\n  a = 2; }');
    // No absolute path in the message: the place in the same file is its line.
    assert.equal(d.message, "attribute 'a' already defined at line 1");
    assert.equal(d.related?.[0].loc.start, 2);
  });

  it('reports undefined variables before evaluation', () => {
    const parsed = new Evaluator().parse(source('let f = x: y; in 1'));
    assert.deepEqual(parsed.diagnostics.map((d) => [d.code, d.message]), [['undefined-variable', "undefined variable 'y'"]]);
  });

  it('stops at nesting deeper than the limit instead of overflowing the stack', () => {
    const depth = MAX_NESTING + 100;
    const d = syntaxDiagnostics('('.repeat(depth) + '1' + ')'.repeat(depth));
    assert.match(d[0].message, /nested too deeply/);
  });

  it('finds a syntax error after hundreds of valid bindings', () => {
    const bindings = Array.from({ length: 500 }, (_, i) => `  s${i} = { name = "s${i}"; };`).join('\n');
    const d = syntaxDiagnostics(`{\n${bindings}\n  last = 1\n}`);
    assert.equal(d.length, 1);
    assert.equal(d[0].message, 'expected `;` after binding');
  });

  it('rejects binary content', () => {
    assert.match(first('{ a = 1; }\0\x01\x02').message, /NUL byte/);
  });
});
