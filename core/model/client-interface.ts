// What a target's `clientInterface` means: Disnix's client names keep working in existing
// models (../shared/reference/disnix.md §4.1), next to ours; anything else is a program with
// Disnix's client command line.

export type TransportKind = 'local' | 'ssh' | 'soap' | 'exec';

export function transportOf(clientInterface: string): TransportKind {
  switch (clientInterface) {
    case 'local':
    case 'disnix-run-activity':
    case 'disnix-client':
      return 'local';
    case 'ssh':
    case 'disnix-ssh-client':
      return 'ssh';
    case 'soap':
    case 'disnix-soap-client':
      return 'soap';
    default:
      return 'exec';
  }
}
