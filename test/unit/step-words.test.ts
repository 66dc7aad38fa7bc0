// The deployment steps as the editor's progress notification names them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeployEvent } from '../../core/deploy/events';
import { stepInWords } from '../../core/deploy/step-words';

const start = (e: Omit<DeployEvent, 'state'>): DeployEvent => ({ ...e, state: 'start' });

describe('deployment steps in words', () => {
  it('names each phase as a person would, with its service and target', () => {
    assert.deepEqual(
      [
        start({ phase: 'distribute', target: 'test1' }),
        start({ phase: 'lock', target: 'test1' }),
        start({ phase: 'activate', target: 'test1', container: 'process', service: 'HelloService', activity: 'activate' }),
        start({ phase: 'set-profile', target: 'test2' }),
        start({ phase: 'set-coordinator-profile' }),
        start({ phase: 'rollback', target: 'test1', container: 'process', service: 'HelloWorld', activity: 'deactivate' }),
      ].map(stepInWords),
      ['Sending packages to test1', 'Locking test1', 'Activating HelloService on test1', 'Setting the profile of test2', 'Recording the new generation', 'Undoing: deactivating HelloWorld on test1'],
    );
  });
});
