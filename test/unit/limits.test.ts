import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { evalError, ready } from '../helpers';

describe('evaluation limits', () => {
  before(() => ready);

  it('reports infinite recursion where the value is re-entered', () => {
    const e = evalError('let x = x + 1; in x');
    assert.equal(e.kind, 'infinite-recursion');
    assert.equal(e.loc?.start, 8);
  });

  it('turns unbounded recursion into a limit error, not a crash', () => {
    const e = evalError('let f = n: f (n + 1); in f 0', { maxDepth: 500 });
    assert.equal(e.kind, 'limit');
    assert.match(e.message, /evaluation limit exceeded/);
  });

  it('survives recursion deeper than the JavaScript stack allows', () => {
    const e = evalError('let f = n: 1 + f (n + 1); in f 0', { maxDepth: 1e9 });
    assert.equal(e.kind, 'limit');
    assert.match(e.message, /stack overflow/);
  });

  it('stops exponential work at the step limit', () => {
    const e = evalError('let f = n: if n == 0 then 0 else f (n - 1) + f (n - 1); in f 64', { maxSteps: 100_000 });
    assert.equal(e.kind, 'limit');
    assert.match(e.message, /steps/);
  });

  it('stops runaway allocation at the memory limit', () => {
    const e = evalError('let grow = s: builtins.seq s (grow (s + s)); in grow "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"', { maxAlloc: 1e6 });
    assert.equal(e.kind, 'limit');
    assert.match(e.message, /allocated/);
  });

  it('stops a huge genList before allocating it', () => {
    const e = evalError('builtins.length (builtins.genList (x: x) 1000000000)', { maxAlloc: 1e6 });
    assert.equal(e.kind, 'limit');
  });
});
