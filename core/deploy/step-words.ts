// A deployment step in words, as the editor's progress notification says it ("Setting the
// profile of test2").

import type { DeployEvent } from './events';

export function stepInWords(e: DeployEvent): string {
  const at = e.service && e.target ? `${e.service} on ${e.target}` : (e.target ?? '');
  switch (e.phase) {
    case 'distribute':
      return `Sending packages to ${e.target ?? 'the targets'}`;
    case 'lock':
      return `Locking ${e.target ?? 'the targets'}`;
    case 'unlock':
      return `Unlocking ${e.target ?? 'the targets'}`;
    case 'activate':
      return `Activating ${at}`;
    case 'deactivate':
      return `Deactivating ${at}`;
    case 'snapshot':
      return `Taking a snapshot of ${at}`;
    case 'restore':
      return `Restoring the state of ${at}`;
    case 'delete-state':
      return `Deleting the old state of ${at}`;
    case 'set-profile':
      return `Setting the profile of ${e.target ?? 'the targets'}`;
    case 'set-coordinator-profile':
      return 'Recording the new generation';
    case 'rollback':
      return `Undoing: ${e.activity === 'deactivate' ? 'deactivating' : 'activating'} ${at}`;
  }
}
