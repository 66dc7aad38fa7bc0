// Files are parsed once per version: an unchanged file is reused across evaluators, an
// edited one (the editor's unsaved text) is parsed again, so results follow the edits.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Evaluator } from '../../core/nix/eval';
import { ParseCache } from '../../core/nix/parse-cache';
import { parseNix } from '../../core/nix/lower';
import { memoryFiles, parseShape as shape, ready, show, source } from '../helpers';

before(() => ready);

function evalWith(cache: ParseCache, files: Record<string, string>): string {
  const ev = new Evaluator({ parseCache: cache, files: memoryFiles(files) });
  return show(ev, ev.deepForce(ev.force(ev.importFile('/project/model.nix', undefined))));
}

describe('parse cache', () => {
  it('reuses an unchanged file and re-parses an edited one', () => {
    const cache = new ParseCache();
    const files: Record<string, string> = {
      '/project/model.nix': 'import ./services.nix { port = 80; }',
      '/project/services.nix': '{ port }: { web = { inherit port; }; }',
    };
    assert.equal(evalWith(cache, files), '{"web":{"port":80}}');
    const first = cache.parse(source(files['/project/services.nix'], '/project/services.nix'), new Evaluator().builtins.globalSlots);
    assert.equal(evalWith(cache, files), '{"web":{"port":80}}');
    assert.equal(cache.parse(source(files['/project/services.nix'], '/project/services.nix'), new Evaluator().builtins.globalSlots), first);

    files['/project/services.nix'] = '{ port }: { web = { inherit port; }; db = { port = port + 1; }; }';
    assert.equal(evalWith(cache, files), '{"db":{"port":81},"web":{"port":80}}');
  });

  it('keeps a syntax error with the version that has it', () => {
    const cache = new ParseCache();
    const files: Record<string, string> = { '/project/model.nix': '{ a = 1 }' };
    assert.throws(() => evalWith(cache, files), /expected `;`/);
    files['/project/model.nix'] = '{ a = 1; }';
    assert.equal(evalWith(cache, files), '{"a":1}');
  });

  it('forgets the least recently used files beyond its size bound', () => {
    const cache = new ParseCache(64);
    const globals = new Evaluator().builtins.globalSlots;
    const a = cache.parse(source('{ a = 1; }', '/p/a.nix'), globals);
    cache.parse(source('{ b = 2; }', '/p/b.nix'), globals);
    assert.equal(cache.parse(source('{ a = 1; }', '/p/a.nix'), globals), a);
    for (let i = 0; i < 10; i++) cache.parse(source(`{ c${i} = ${i}; }`, `/p/c${i}.nix`), globals);
    assert.notEqual(cache.parse(source('{ a = 1; }', '/p/a.nix'), globals), a);
  });
});

describe('incremental parsing', () => {
  /** The AST and diagnostics as plain text: locations as offsets, without their source. */

  it('gives the same tree as a fresh parse after every kind of edit', () => {
    const globals = new Evaluator().builtins.globalSlots;
    const cache = new ParseCache();
    const versions = [
      '{ a = 1;\n  b = "x";\n}\n',
      '{ a = 12;\n  b = "x";\n}\n', // a keystroke
      '{ a = 12;\n  c = [ 1 2 ];\n  b = "x";\n}\n', // a line inserted
      '{ a = 12;\r\n  b = "x 🎉";\r\n}\r\n', // CR LF and an astral character
      '{ a = 12;\r\n  b = "x 🎉"\r\n}\r\n', // now broken: a missing ;
      '{ a = 12;\r\n  b = "x 🎉";\r\n}\r\n', // fixed again
      'let x = 1; in x', // everything replaced
      '', // emptied
      'let x = 1; in x + 1',
    ];
    for (const text of versions) {
      const incremental = cache.parse(source(text, '/project/edited.nix'), globals);
      const fresh = new ParseCache().parse(source(text, '/project/fresh.nix'), globals);
      assert.equal(shape(incremental), shape(fresh), JSON.stringify(text));
    }
  });

  // A services model as people write them: entries that are sets and functions, `inherit (e)`,
  // variables bound outside the entry. An edit lowers only what it touched again.
  const entry = (i: number, port = 8000 + i) => `  s${i} = { name = "s${i}"; port = ${port}; dependsOn = { inherit (deps) a b; }; pkg = { a, b }: drv "s${i}" [ a b ${i} ]; };\n`;
  const model = (entries: string[]) => `{ system, pkgs }:\nlet\n  deps = { a = 1; b = 2; };\n  drv = name: args: { inherit name args; };\nin rec {\n${entries.join('')}}\n`;
  const edits = [
    model([0, 1, 2, 3].map((i) => entry(i))),
    model([0, 1, 2, 3].map((i) => entry(i, i === 1 ? 9 : 8000 + i))), // a keystroke in one entry: the others after it move
    model([0, 1, 2, 3, 4].map((i) => entry(i, i === 1 ? 9 : 8000 + i))), // an entry added at the end
    model([9, 0, 1, 2, 3, 4].map((i) => entry(i, i === 1 ? 9 : 8000 + i))), // one added before all the others
    model([9, 0, 2, 3, 4].map((i) => entry(i))), // one removed
    model([9, 0, 2, 3, 4].map((i) => entry(i)).map((e, i) => (i === 2 ? e.replace('port', 'port port') : e))), // broken
    model([9, 0, 2, 3, 4].map((i) => entry(i))), // fixed again
  ];

  it('lowers only what an edit touched, and gives the same tree as a fresh parse', () => {
    const globals = new Evaluator().builtins.globalSlots;
    const cache = new ParseCache();
    for (const text of edits) {
      const incremental = cache.parse(source(text, '/project/services.nix'), globals);
      const fresh = new ParseCache().parse(source(text, '/project/fresh.nix'), globals);
      assert.equal(shape(incremental), shape(fresh), JSON.stringify(text));
    }
    // Evaluated, the reused entries resolve their variables as the fresh ones do.
    const call = 'builtins.mapAttrs (n: s: { inherit (s) port dependsOn; built = s.pkg { a = 1; b = 2; }; }) ((import /project/services.nix) { system = "x"; pkgs = { }; })';
    const files = memoryFiles({ '/project/services.nix': edits.at(-1)! });
    const reused = new Evaluator({ parseCache: cache, files });
    const afresh = new Evaluator({ parseCache: new ParseCache(), files });
    assert.equal(show(reused, reused.evalString(call, '/project')), show(afresh, afresh.evalString(call, '/project')));
  });

  it('reuses the lowering of the entries an edit did not touch (it is not lowered afresh)', () => {
    // Poisoned records: were they reused, the tree would hold them.
    const first = parseNix(source(edits[0], '/project/services.nix'), { keepTree: true });
    const poisoned = new Map([...first.lowered!].map(([id, { start, expr }]) => [id, { start, expr: { kind: 'int', loc: expr.loc, value: 42n } as const }]));
    const next = parseNix(source(edits[1], '/project/services.nix'), { keepTree: true, previous: { text: edits[0], tree: first.tree!, lowered: poisoned } });
    assert.match(shape(next), /"42n"/);
    first.tree!.delete();
    next.tree!.delete();
  });
});
