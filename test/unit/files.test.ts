// The evaluator sees files through one interface: a document open in the editor and not yet
// saved exists for `import`, `readFile` and `pathExists` alike, with its unsaved text.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { withTexts } from '../../core/nix/files';
import { evalJson, ready } from '../helpers';

describe('files seen by the evaluator', () => {
  before(() => ready);
  const dir = mkdtempSync(join(tmpdir(), 'dnx-files-'));
  writeFileSync(join(dir, 'saved.nix'), '1');
  const unsaved = join(dir, 'unsaved.nix');
  const files = withTexts((p) => (p === unsaved ? '{ answer = 42; }' : p === join(dir, 'saved.nix') ? '2' : undefined));

  it('an unsaved new document exists and is imported with its text', () => {
    assert.equal(evalJson(`builtins.pathExists ${unsaved}`, { files }), 'true');
    assert.equal(evalJson(`(import ${unsaved}).answer`, { files }), '42');
    assert.equal(evalJson(`builtins.readFile ${unsaved}`, { files }), '"{ answer = 42; }"');
  });

  it('an open document is read with its unsaved text, not the one on disk', () => {
    assert.equal(evalJson(`import ${join(dir, 'saved.nix')}`, { files }), '2');
    assert.equal(evalJson(`import ${join(dir, 'saved.nix')}`), '1', 'without the editor: the disk');
  });

  it('builtins.hashFile hashes what the evaluator sees of a file, as Nix does', () => {
    const expected = (algo: string, text: string) => JSON.stringify(createHash(algo).update(text).digest('hex'));
    assert.equal(evalJson(`builtins.hashFile "sha256" ${join(dir, 'saved.nix')}`), expected('sha256', '1'));
    assert.equal(evalJson(`builtins.hashFile "md5" ${unsaved}`, { files }), expected('md5', '{ answer = 42; }'));
  });

  it('what is on neither does not exist', () => {
    assert.equal(evalJson(`builtins.pathExists ${join(dir, 'nothing.nix')}`, { files }), 'false');
  });
});
