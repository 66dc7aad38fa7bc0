// What the fuzzer feeds the engine (fast-check arbitraries): Nix text from a small grammar of
// the language, and the examples' model files with random edits of the kinds typing makes.

import fc from 'fast-check';

const names = fc.constantFrom('a', 'b', 'x', 'name', 'pkg', 'dependsOn', 'infrastructure', 'test1', 'self', 'or', 'builtins');
const tokens = ['{', '}', '[', ']', '(', ')', ';', '=', '"', "''", '${', '\\', ':', '@', '...', 'rec', 'let', 'in', 'with', 'inherit', 'if', 'then', 'else', 'assert', 'or', '.', '?', '//', '++', '+', '-', '!', '->', '==', ' ', '\n', '\r', '\t', 'x', '1', '2.5', './p', '<nixpkgs>', '# c\n', '/* c */', '😀', '\u0000'];

/** Nix expressions, well-formed or nearly so, up to a small depth. */
export const nixText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -5, max: 1000 }).map(String),
    fc.constantFrom('true', 'false', 'null', '1.5', '9223372036854775807', './file.nix', '<nixpkgs>', '"s"', "''\n  ind\n''", 'builtins.currentSystem', '[ ]', '{ }'),
    names,
    fc.tuple(fc.string({ maxLength: 6 }), tie('expr')).map(([s, e]) => `"${s.replace(/["\\$]/g, '')}\${${e}}"`),
    fc.array(tie('expr'), { maxLength: 4 }).map((es) => `[ ${es.map((e) => `(${e})`).join(' ')} ]`),
    fc.array(fc.tuple(names, tie('expr')), { maxLength: 4 }).map((bs) => `{ ${bs.map(([n, e]) => `${n} = ${e};`).join(' ')} }`),
    fc.array(fc.tuple(names, tie('expr')), { maxLength: 3 }).map((bs) => `rec { ${bs.map(([n, e]) => `${n} = ${e};`).join(' ')} }`),
    fc.tuple(fc.array(fc.tuple(names, tie('expr')), { minLength: 1, maxLength: 3 }), tie('expr')).map(([bs, body]) => `let ${bs.map(([n, e]) => `${n} = ${e};`).join(' ')} in ${body}`),
    fc.tuple(names, tie('expr')).map(([n, body]) => `(${n}: ${body})`),
    fc.tuple(fc.array(names, { maxLength: 3 }), fc.boolean(), tie('expr')).map(([fs, dots, body]) => `({ ${[...fs, ...(dots ? ['...'] : [])].join(', ')}, }: ${body})`),
    fc.tuple(tie('expr'), tie('expr')).map(([f, a]) => `(${f}) (${a})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, t, e]) => `if ${c} then ${t} else ${e}`),
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '==', '!=', '<', '&&', '||', '->', '//', '++'), tie('expr')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    fc.tuple(tie('expr'), names, fc.option(tie('expr'))).map(([e, n, d]) => `(${e}).${n}${d !== null ? ` or (${d})` : ''}`),
    fc.tuple(tie('expr'), tie('expr')).map(([s, e]) => `with ${s}; ${e}`),
    fc.tuple(tie('expr'), names).map(([e, n]) => `(${e}) ? ${n}`),
    fc.tuple(fc.array(names, { minLength: 1, maxLength: 3 }), tie('expr')).map(([ns, e]) => `let inherit (${e}) ${ns.join(' ')}; in ${ns[0]}`),
  ),
})).expr;

/** One edit as typing makes them: delete a few characters, insert a token or text, duplicate a run. */
export interface Edit {
  kind: 'delete' | 'insert' | 'duplicate';
  /** Where, as a fraction of the text's length (so an edit applies to any text). */
  at: number;
  length: number;
  text: string;
}

export const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('delete', 'insert', 'insert', 'duplicate'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 12 }),
  text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 8 }), names),
});

/** Where `e` applies in `text`, and what it replaces there with what. */
export function placeEdit(text: string, e: Edit): { offset: number; remove: number; insert: string } {
  const offset = Math.min(text.length, Math.floor(e.at * (text.length + 1)));
  if (e.kind === 'delete') return { offset, remove: Math.min(e.length, text.length - offset), insert: '' };
  if (e.kind === 'insert') return { offset, remove: 0, insert: e.text };
  return { offset, remove: 0, insert: text.slice(offset, offset + e.length) };
}

export function applyEdit(text: string, e: Edit): string {
  const { offset, remove, insert } = placeEdit(text, e);
  return text.slice(0, offset) + insert + text.slice(offset + remove);
}
