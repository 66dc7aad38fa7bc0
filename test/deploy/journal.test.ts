// The deployment journal and lock owners, on their own: what an interrupted deployment left
// running, read back after a crash cut a line short; which lock holders are gone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DeployJournal, whatRuns } from '../../core/deploy/journal';
import { isStale, parseLockOwner, thisLockOwner } from '../../core/deploy/lock-owner';
import { emptyManifest, mappingKey, type Manifest, type ServiceMapping } from '../../core/plan/types';

const target = { properties: { hostname: 'h' }, containers: {}, system: 'x86_64-linux', numOfCores: 1, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' };
const at = (service: string, t = 't1'): ServiceMapping => ({ service, target: t, container: 'process' });
function manifest(...mappings: ServiceMapping[]): Manifest {
  const m = emptyManifest({ t1: target, t2: target });
  for (const s of mappings) m.services[s.service] = { name: s.service, type: 'process', pkg: `/nix/store/${'0'.repeat(32)}-${s.service}`, dependsOn: [], connectsTo: [] };
  return { ...m, serviceMappings: mappings };
}
const running = (m: Manifest) => m.serviceMappings.map(mappingKey).sort();

describe('the deployment journal', () => {
  const from = manifest(at('a'), at('b'));
  const to = manifest(at('a'), at('c', 't2'));

  it('reads back every step synced before a crash cut the last line short', () => {
    const journal = new DeployJournal(join(mkdtempSync(join(tmpdir(), 'dnx-journal-')), '.default.journal'));
    journal.begin(from, to, thisLockOwner());
    journal.record('deactivate', at('b'), 'start');
    journal.record('deactivate', at('b'), 'done');
    journal.record('activate', at('c', 't2'), 'start');
    journal.close();
    appendFileSync(journal.file, '{"step":"activate","key":"c\\u0000t2');
    const j = journal.read()!;
    assert.equal(j.entries.length, 3);
    assert.deepEqual(running(whatRuns(j, to)), [mappingKey(at('a'))], 'b was stopped; c, halfway, is activated again');
    assert.deepEqual(running(whatRuns(j, from)), [mappingKey(at('a')), mappingKey(at('c', 't2'))].sort(), 'c, halfway and unwanted, is deactivated');
    journal.finish();
    assert.equal(journal.read(), undefined);
  });

  it('keeps both ends\' services, so either can be deployed from what runs', () => {
    const journal = new DeployJournal(join(mkdtempSync(join(tmpdir(), 'dnx-journal-')), 'j'));
    journal.begin(from, to, thisLockOwner());
    journal.close();
    assert.deepEqual(Object.keys(whatRuns(journal.read()!, to).services).sort(), ['a', 'b', 'c']);
  });

  it('a journal whose first line never reached the disk means nothing was changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnx-journal-'));
    appendFileSync(join(dir, 'j'), '{"from":{"version"');
    assert.equal(new DeployJournal(join(dir, 'j')).read(), undefined);
  });
});

describe('lock owners', () => {
  it('a lock of a process that exited is stale; of a live one, or of another host, is not', () => {
    const me = parseLockOwner(thisLockOwner())!;
    assert.equal(isStale(me), false);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    assert.equal(isStale({ ...me, pid: Number(gone.stdout) }), true);
    assert.equal(isStale({ ...me, host: `not-${hostname()}`, pid: Number(gone.stdout) }), false);
    assert.equal(isStale({ host: me.host, user: 'root' }), false, 'a lock taken with dnx lock never goes stale');
  });

  it('a pid that now names a process started after the lock was taken is stale', () => {
    const me = parseLockOwner(thisLockOwner())!;
    assert.equal(isStale({ ...me, since: '2000-01-01T00:00:00.000Z' }), true);
  });

  it('reads only owners it wrote', () => {
    assert.equal(parseLockOwner('alice at 3pm'), undefined);
    assert.equal(parseLockOwner('{"host":"h","pid":"12"}'), undefined);
  });
});
