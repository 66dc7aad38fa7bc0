// `dnx capture-infra` against local targets: each target's Dysnomia configuration files become
// its properties and containers in a model that evaluates, and how each target is reached is kept.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dnx-capture-'));
const dnx = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'dnx'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DNX_STATE_DIR: join(dir, 'state'), ...env } });

describe('dnx capture-infra', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a model of what the targets report, keeping how each is reached', () => {
    writeFileSync(join(dir, 'properties'), '# Dysnomia properties\nmem=2048\nsupports="${x}"\n');
    mkdirSync(join(dir, 'containers'));
    writeFileSync(join(dir, 'containers', 'mysql-database'), 'type=mysql-database\nmysqlPort=3306\n');
    writeFileSync(join(dir, 'infrastructure.nix'), '{\n  a = { properties.address = "localhost"; targetProperty = "address"; clientInterface = "disnix-run-activity"; };\n  b = { properties.hostname = "localhost"; clientInterface = "disnix-run-activity"; };\n}\n');
    const r = dnx({ DYSNOMIA_PROPERTIES_PATH: join(dir, 'properties'), DYSNOMIA_CONTAINERS_PATH: join(dir, 'containers') }, 'capture-infra', '-i', 'infrastructure.nix');
    assert.equal(r.status, 0, r.stderr);
    writeFileSync(join(dir, 'captured.nix'), r.stdout);
    const read = dnx({}, 'eval', 'captured.nix');
    assert.equal(read.status, 0, read.stderr);
    const target = (address: Record<string, string>) => ({ properties: { ...address, mem: '2048', supports: '"${x}"' }, containers: { 'mysql-database': { mysqlPort: '3306' } } });
    assert.deepEqual(JSON.parse(read.stdout), {
      a: { ...target({ address: 'localhost' }), targetProperty: 'address', clientInterface: 'disnix-run-activity' },
      b: { ...target({ hostname: 'localhost' }), clientInterface: 'disnix-run-activity' },
    });
  });

  it('names the target that cannot be reached', () => {
    writeFileSync(join(dir, 'unreachable.nix'), '{ c = { properties.hostname = "localhost"; clientInterface = "/nonexistent/disnix-client"; }; }\n');
    const r = dnx({}, 'capture-infra', '-i', 'unreachable.nix');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^c: /m);
  });
});
