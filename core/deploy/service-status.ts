// What a service instance on a target is doing now, as the target itself tells it (`dnx agent
// --query-status`, ours): its activation module is asked, not the profile. Only modules that
// watch what they start can tell; the others answer `unknown`.

import type { ProfileService } from './profile-manifest';

export type ServiceState = 'running' | 'stopped' | 'failed' | 'unknown';

export interface ServiceStatus {
  name: string;
  container: string;
  state: ServiceState;
  /** In words: since when it runs, how it ended, why nothing is known. */
  detail?: string;
  /** Where the target keeps the service's output. */
  log?: string;
}

/** A service as `dnx query -f json` reports it: what the target's profile holds, and what it is doing where the target tells. */
export type QueriedService = ProfileService & Partial<Omit<ServiceStatus, 'name' | 'container'>>;

/** The `--query-status` answer as a target sends it: one JSON line. */
export function parseStatusAnswer(line: string | undefined): ServiceStatus[] {
  const parsed: unknown = JSON.parse(line ?? '[]');
  if (!Array.isArray(parsed)) throw new Error('the target answered --query-status with something that is not a list');
  return parsed.filter((s): s is ServiceStatus => typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.container === 'string' && typeof s.state === 'string');
}
