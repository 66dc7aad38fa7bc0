// The client interface command line: what the coordinator sends is what the agent reads, in
// Disnix's form, and bad command lines are refused with a message.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerArguments, parseArgv, ProtocolError, toArgv, type Request } from '../../core/deploy/protocol';

const P = '/nix/store/0bcdfghijklmnpqrsvwxyz0123456789-web';

describe('client interface command line', () => {
  it('round-trips every kind of operation', () => {
    const requests: Request[] = [
      { op: 'import', file: '-' },
      { op: 'export', paths: [P], stdout: true },
      { op: 'print-invalid', paths: [P, P] },
      { op: 'set', profile: 'default', path: P },
      { op: 'query-installed', profile: 'p1' },
      { op: 'query-status', profile: 'p1' },
      { op: 'collect-garbage', deleteOld: true },
      { op: 'activate', type: 'process', container: 'process', arguments: [['k', 'a=b; "c"\n$(x)']], path: P },
      { op: 'lock', profile: 'default', owner: '{"pid":1}', force: true },
      { op: 'query-latest-snapshot', container: 'mysql-database', component: 'staff' },
      { op: 'import-snapshots', container: 'c', component: 'x', paths: ['/tmp/a'] },
      { op: 'import-snapshots', container: 'c', component: 'x', paths: ['-'] },
      { op: 'export-snapshots', paths: ['/s/c/x/1'], stdout: true },
      { op: 'clean-snapshots', keep: 3, container: 'c' },
      { op: 'capture-config' },
    ];
    for (const r of requests) assert.deepEqual(parseArgv(toArgv(r)).request, r);
  });

  it("reads Disnix's own forms: short flags, --flag=value, --target", () => {
    assert.deepEqual(parseArgv(['--target', 'host:2222', '-q', '-p', 'x']), { target: 'host:2222', request: { op: 'query-installed', profile: 'x' } });
    assert.deepEqual(parseArgv(['--deactivate', '--type=echo', P]).request, { op: 'deactivate', type: 'echo', container: 'echo', arguments: [], path: P });
  });

  it('refuses what it cannot read', () => {
    assert.throws(() => parseArgv([]), ProtocolError);
    assert.throws(() => parseArgv(['--activate', P]), /--activate needs --type/);
    assert.throws(() => parseArgv(['--activate', '--deactivate']), /two operations/);
    assert.throws(() => parseArgv(['--frobnicate']), /unknown operation --frobnicate/);
    assert.throws(() => parseArgv(['--activate', '--type', 'echo', '--arguments', 'novalue', P]), /KEY=VALUE/);
  });

  it('passes container properties as Disnix does', () => {
    assert.deepEqual(containerArguments({ b: true, a: ['x', 'y'], c: false, d: 3, e: { nested: 1 }, f: 'text' }), [['a', 'x y'], ['b', '1'], ['c', ''], ['d', '3'], ['f', 'text']]);
  });
});
