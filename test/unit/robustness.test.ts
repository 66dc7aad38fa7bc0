// Broken and hostile input never escapes the parser or evaluator as anything but a located
// diagnostic or EvalError, and always ends within the limits.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EvalError } from '../../core/nix/errors';
import { Evaluator } from '../../core/nix/eval';
import { loadCases } from '../conformance/corpus';
import { ready, show, source } from '../helpers';

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tokens = ['{', '}', '[', ']', '(', ')', ';', '=', '"', "''", '${', '$', '\\', ':', '@', '...', 'rec', 'let', 'in', 'with', 'inherit', 'if', 'then', 'else', 'assert', 'or', '.', '?', '//', '++', '+', '-', '!', '->', ' ', '\n', 'x', '1', '2.5', './p', '<nixpkgs>', '😀'];

function mutate(text: string, random: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (t.length + 1));
    const kind = random();
    if (kind < 0.35) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(random() * 4));
    else if (kind < 0.8) t = t.slice(0, at) + tokens[Math.floor(random() * tokens.length)] + t.slice(at);
    else {
      const len = Math.floor(random() * 12);
      t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at);
    }
  }
  return t;
}

/** Parses and evaluates with tight limits; returns how it ended, throws on anything else. */
function survive(text: string): 'value' | 'error' {
  const ev = new Evaluator({ maxSteps: 200_000, maxDepth: 300, maxAlloc: 2_000_000, onTrace: () => {} });
  try {
    const parsed = ev.parse(source(text, '/project/case.nix'));
    for (const d of parsed.diagnostics) {
      assert.ok(d.loc.start >= 0 && d.loc.end <= text.length && d.loc.start <= d.loc.end, `diagnostic range out of bounds: ${d.message}`);
      assert.ok(d.message.length > 0);
    }
    show(ev, ev.evalParsed(parsed));
    return 'value';
  } catch (e) {
    if (e instanceof EvalError) return 'error';
    throw new Error(`escaped as ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\n--- input ---\n${text}`);
  }
}

describe('robustness', () => {
  before(() => ready);

  it('survives 3 random mutations of every corpus case', () => {
    const random = rng(20261124);
    const outcomes = { value: 0, error: 0 };
    for (const c of loadCases()) {
      for (let k = 0; k < 3; k++) outcomes[survive(mutate(c.text, random))]++;
    }
    assert.ok(outcomes.error > 0 && outcomes.value > 0, JSON.stringify(outcomes));
  });

  it('survives random garbage, with and without NUL bytes', () => {
    const random = rng(7);
    for (let n = 0; n < 40; n++) {
      const len = Math.floor(random() * 2000);
      let text = '';
      for (let i = 0; i < len; i++) text += String.fromCharCode(n % 2 ? 1 + Math.floor(random() * 0x7f) : Math.floor(random() * 0x250));
      assert.equal(survive(text), 'error');
    }
  });

  it('survives 10,000 nested parentheses, lists, sets and negations', () => {
    const n = 10_000;
    for (const text of ['('.repeat(n) + '1' + ')'.repeat(n), '['.repeat(n) + ']'.repeat(n), '{ a = '.repeat(n) + '1' + '; }'.repeat(n), '-'.repeat(n) + '1', '!'.repeat(n) + 'true']) {
      assert.equal(survive(text), 'error');
    }
  });

  it('survives unterminated strings, interpolations and comments everywhere', () => {
    for (const text of ['"abc', "''abc", '"a${b', "''a${", '{ a = "x; }', '/* never closed', '{ a = ${ }', '"${"${"${', "''\n  a\n  ${''", '\'\'$']) {
      assert.equal(survive(text), 'error', text);
    }
  });

  it('parses and evaluates a 10 MB model', () => {
    const lines = ['['];
    for (let i = 0; lines.length * 60 < 10_000_000; i++) lines.push(`  { name = "service-${i}"; port = ${i}; tags = [ "a" "b" ]; }`);
    lines.push(']');
    const text = lines.join('\n');
    assert.ok(text.length >= 10_000_000);
    const ev = new Evaluator();
    const v = ev.evalParsed(ev.parse(source(`builtins.length (${text})`)));
    assert.equal(v, BigInt(lines.length - 2));
  });

  it('turns deep data into a limit error when printing, not a crash', () => {
    const ev = new Evaluator();
    const v = ev.evalString('let f = n: if n == 0 then [ ] else [ (f (n - 1)) ]; in f 200000', '/');
    assert.throws(() => ev.guard(() => show(ev, v)), (e: unknown) => e instanceof EvalError && e.kind === 'limit');
  });
});
