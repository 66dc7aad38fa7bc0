// The live state the graph shows: what deployment steps and the targets' answers say about
// each service instance.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeployEvent } from '../../core/deploy/events';
import { LiveStateBook } from '../../core/deploy/live-state';

const step = (activity: 'activate' | 'deactivate', state: DeployEvent['state'], service = 'web'): DeployEvent => ({ phase: activity, state, target: 'a', container: 'process', service, activity });

describe('live state', () => {
  it('follows an activation from start to running, and a failed one to failed', () => {
    const book = new LiveStateBook();
    book.step(step('activate', 'start'));
    assert.deepEqual(book.snapshot().states, { 'a/process/web': 'activating' });
    book.step(step('activate', 'done'));
    book.step(step('activate', 'failed', 'db'));
    assert.deepEqual(book.snapshot().states, { 'a/process/web': 'running', 'a/process/db': 'failed' });
  });

  it('tells a rollback\'s deactivation by its activity, not its phase', () => {
    const book = new LiveStateBook();
    const rollback: DeployEvent = { ...step('deactivate', 'done'), phase: 'rollback' };
    book.step(rollback);
    assert.deepEqual(book.snapshot().states, { 'a/process/web': 'stopped' });
  });

  it('ignores steps about no service (locks, transfers)', () => {
    let changes = 0;
    const book = new LiveStateBook(() => changes++);
    const lock: DeployEvent = { phase: 'lock', state: 'done', target: 'a' };
    book.step(lock);
    assert.equal(changes, 0);
  });

  it('takes what a target answers as all that runs there, and forgets a target that cannot be asked', () => {
    const book = new LiveStateBook();
    book.step(step('activate', 'failed', 'old'));
    const elsewhere: DeployEvent = { ...step('activate', 'done'), target: 'b' };
    book.step(elsewhere);
    book.installed('a', [{ name: 'web', container: 'process', state: 'running' }]);
    assert.deepEqual(book.snapshot(), { states: { 'b/process/web': 'running', 'a/process/web': 'running' }, details: {}, known: ['a'] });
    book.unknown('a');
    assert.deepEqual(book.snapshot(), { states: { 'b/process/web': 'running' }, details: {}, known: [] });
  });

  it('takes each service\'s state from the target, with how it ended and its log; unknown where the target cannot tell', () => {
    const book = new LiveStateBook();
    book.installed('a', [
      { name: 'web', container: 'process', state: 'failed', detail: 'exited with exit status 3', log: '/var/log/web.log' },
      { name: 'db', container: 'mysql-database' },
    ]);
    assert.deepEqual(book.snapshot(), {
      states: { 'a/process/web': 'failed', 'a/mysql-database/db': 'unknown' },
      details: { 'a/process/web': 'exited with exit status 3; log: /var/log/web.log' },
      known: ['a'],
    });
    book.step(step('activate', 'done'));
    assert.deepEqual(book.snapshot().details, {}, 'a new activation makes the old exit history stale');
  });
});
