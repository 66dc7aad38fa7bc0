// The extension manifest points at files that exist and contribute what users see.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const read = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8'));

describe('extension manifest', () => {
  const pkg = read('package.json');

  it('contributes the nix language and grammar from existing files', () => {
    const lang = pkg.contributes.languages[0];
    assert.equal(lang.id, 'nix');
    assert.ok(existsSync(join(root, lang.configuration)));
    assert.ok(existsSync(join(root, pkg.contributes.grammars[0].path)));
  });

  it('has a grammar whose patterns compile and cover the Nix constructs', () => {
    const grammar = read('syntaxes/nix.tmLanguage.json');
    const names = JSON.stringify(grammar);
    for (const scope of ['string.quoted.double', 'string.quoted.other.indented', 'meta.embedded.interpolation', 'string.unquoted.path', 'string.unquoted.uri', 'comment.line', 'comment.block', 'keyword.control', 'keyword.operator', 'entity.other.attribute-name', 'constant.numeric']) {
      assert.ok(names.includes(scope), `grammar lacks ${scope}`);
    }
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') new RegExp(v);
        else visit(v);
      }
    };
    visit(grammar);
  });

  it('offers the deploy commands and the targets view only in a trusted workspace', () => {
    const commands = new Map<string, { enablement?: string }>(pkg.contributes.commands.map((c: { command: string }) => [c.command, c]));
    for (const id of ['disnix.deploy', 'disnix.rollback', 'disnix.switchGeneration', 'disnix.undeploy', 'disnix.refreshTargets']) {
      assert.equal(commands.get(id)?.enablement, 'isWorkspaceTrusted', id);
    }
    const editorDeploy = pkg.contributes.menus['editor/title'].find((m: { command: string }) => m.command === 'disnix.deploy');
    assert.match(editorDeploy.when, /isWorkspaceTrusted/);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('declares limited support for untrusted workspaces and a dnx bin', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(pkg.bin.dnx, './bin/dnx');
    assert.ok(existsSync(join(root, 'language-configuration.json')));
  });
});
