// Files are parsed once per version: an unchanged file is reused across evaluators, an
// edited one (the editor's unsaved text) is parsed again, so results follow the edits.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Evaluator } from '../../core/nix/eval';
import { ParseCache } from '../../core/nix/parse-cache';
import { memoryFiles, ready, show, source } from '../helpers';

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
  const shape = (parsed: { expr: unknown; diagnostics: unknown }) =>
    JSON.stringify([parsed.expr, parsed.diagnostics], (k, v) => (k === 'source' ? undefined : typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v));

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
});
