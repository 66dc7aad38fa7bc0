// The phase commands' names, apart from cli/phases.ts so listing them loads none of it.
export const PHASE_COMMANDS = ['distribute', 'activate', 'migrate', 'set'] as const;
