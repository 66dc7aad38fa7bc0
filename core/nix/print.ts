// Prints a value in Nix syntax for people, forcing only what it shows: unknown values and
// packages that would need a build are shown as such instead of failing.

import { EvalError } from './errors';
import type { Evaluator } from './eval';
import { formatFloat } from './numbers';
import { jsonString } from './builtins/json';
import { ContextString, NixAttrs, NixPath, Unknown, UnknownSignal, isFunction, type Lazy, type Value } from './values';

const IDENT = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/** What stands in the output for a value that could not be computed. */
class Note {
  constructor(readonly text: string) {}
}

export function printValue(ev: Evaluator, v: Lazy, opts: { maxDepth: number }): string {
  const force = (l: Lazy): Value | Note => {
    try {
      return ev.force(l);
    } catch (e) {
      if (e instanceof UnknownSignal) return new Note(`«unknown: ${e.value.reason}»`);
      if (e instanceof EvalError) return new Note(`«error: ${e.message}»`);
      throw e;
    }
  };
  const show = (x: Value | Note, depth: number, indent: string): string => {
    if (x instanceof Note) return x.text;
    if (typeof x === 'string') return jsonString(x);
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'number') return formatFloat(x);
    if (typeof x === 'boolean') return String(x);
    if (x === null) return 'null';
    if (x instanceof ContextString) return jsonString(x.s);
    if (x instanceof NixPath) return x.path;
    if (x instanceof Unknown) return `«unknown: ${x.reason}»`;
    if (isFunction(x)) return '«lambda»';
    if (depth >= opts.maxDepth) return Array.isArray(x) ? '[ … ]' : '{ … }';
    const inner = indent + '  ';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[ ]';
      return `[\n${x.map((item) => inner + show(force(item), depth + 1, inner)).join('\n')}\n${indent}]`;
    }
    if (x instanceof NixAttrs) {
      if (ev.isDerivation(x)) return '«derivation»';
      if (x.size === 0) return '{ }';
      const lines = x.sortedNames().map((n) => `${inner}${IDENT.test(n) ? n : jsonString(n)} = ${show(force(x.get(n)!), depth + 1, inner)};`);
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    return '«value»';
  };
  return show(force(v), 0, '');
}
