// `dnx query` against local targets, as the editor's Disnix Targets view runs it: JSON with
// each target's services, an unreachable target reported in place (not only on stderr), and
// the targets read from an architecture model as well as from an infrastructure model.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dnx-query-'));
const dnx = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: join(dir, 'state') } });

describe('dnx query', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers in JSON for every target, with the error of one that cannot be asked', () => {
    writeFileSync(join(dir, 'infrastructure.nix'), '{\n  a = { properties.hostname = "localhost"; clientInterface = "disnix-run-activity"; };\n  c = { properties.hostname = "localhost"; clientInterface = "/nonexistent/disnix-client"; };\n}\n');
    const r = dnx('query', '-f', 'json', '-i', 'infrastructure.nix');
    assert.equal(r.status, 1);
    const answer = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(answer), ['a', 'c']);
    assert.deepEqual(answer.a, []);
    assert.match(answer.c.error, /^c: .*\/nonexistent\/disnix-client/);
  });

  it('reads the targets of an architecture model (-A)', () => {
    writeFileSync(join(dir, 'architecture.nix'), `{ system, pkgs }: rec {
  infrastructure = { b = { properties.hostname = "localhost"; clientInterface = "disnix-run-activity"; }; };
  services = { };
}`);
    const r = dnx('query', '-A', 'architecture.nix');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'Services on: b\n  (none)\n\n');
  });
});
