// `dnx query`: `disnix-query`. Asks every target of an infrastructure model which services its
// profile holds (`query-installed`), grouped by target or by container, or as JSON; and, where
// the target can tell (our agent's `query-status`), what each service is doing now.

import type { ProfileService } from '../core/deploy/profile-manifest';
import { parseStatusAnswer, type QueriedService, type ServiceStatus } from '../core/deploy/service-status';
import type { TargetClient } from '../core/deploy/transport';
import { groupBy } from '../core/collections';
import { ArgReader, UsageError } from './args';
import { openProfile, readCoordinatorFlag, type CoordinatorArgs } from './coordinator-args';
import { defaultTargetArgs, onEveryTarget, openClients, readInfrastructure, readInfrastructureFlag, readTargetFlag, targetOptionsHelp, type InfrastructureArgs, type TargetArgs } from './targets';

export const queryUsage = `usage: dnx query -i INFRASTRUCTURE | -A ARCHITECTURE [options]

Lists the services each target runs, as its profile records them.

${targetOptionsHelp}

options:
  -f, --format F    services (default): per target; containers: per target and container;
                    json: one object, target -> its services (each with "state": running,
                    stopped, failed or unknown, "detail" and "log" where the target tells),
                    or {"error": why} for a target that could not be asked
  -p, --profile P   the profile to ask about (default: $DISNIX_PROFILE or "default")`;

const FORMATS = ['services', 'containers', 'json'] as const;

export async function runQuery(argv: string[]): Promise<number> {
  const args: CoordinatorArgs & TargetArgs & InfrastructureArgs & { format: (typeof FORMATS)[number] } = { format: 'services', ...defaultTargetArgs() };
  const r = new ArgReader(argv);
  for (let a = r.next(); a !== undefined; a = r.next()) {
    if (readCoordinatorFlag(a, r, args) || readTargetFlag(a, r, args) || readInfrastructureFlag(a, r, args)) continue;
    if (a === '-f' || a === '--format') {
      const f = r.value(a);
      if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format takes ${FORMATS.join(', ')}; not '${f}'`);
      args.format = f as (typeof FORMATS)[number];
    } else throw new UsageError(`unexpected argument '${a}'`);
  }
  const profile = openProfile(args).profile;
  const infrastructure = await readInfrastructure(args);
  if (!infrastructure) return 1;
  const targets = Object.keys(infrastructure).sort();
  const { results, errors, ok } = await onEveryTarget(openClients(infrastructure, args), targets, (c) => servicesWithStatus(c, profile));
  if (args.format === 'json') process.stdout.write(JSON.stringify(Object.fromEntries(targets.map((t) => [t, results.get(t) ?? { error: errors.get(t) }])), null, 2) + '\n');
  else for (const [t, services] of results) process.stdout.write(formatTarget(t, services, args.format === 'containers'));
  return ok ? 0 : 1;
}

/** A target's services, each with its state when the target can tell (a Disnix client cannot: no state then). */
async function servicesWithStatus(c: TargetClient, profile: string): Promise<QueriedService[]> {
  const [line] = await c.call({ op: 'query-installed', profile });
  const services = JSON.parse(line ?? '[]') as ProfileService[];
  let statuses: ServiceStatus[] = [];
  try {
    statuses = parseStatusAnswer((await c.call({ op: 'query-status', profile }))[0]);
  } catch {
    // a client interface without our extension: the profile is all there is to know
  }
  return services.map((s) => {
    const now = statuses.find((x) => x.name === s.name && x.container === s.container);
    return now ? { ...s, state: now.state, ...(now.detail ? { detail: now.detail } : {}), ...(now.log ? { log: now.log } : {}) } : s;
  });
}

function formatTarget(target: string, services: QueriedService[], byContainer: boolean): string {
  // Running (or not known) is what a profile promises; only a service that does not run is marked.
  const state = (s: QueriedService) => (s.state === 'failed' || s.state === 'stopped' ? `  [${s.state}: ${s.detail}${s.log ? `; log: ${s.log}` : ''}]` : '');
  const line = (s: QueriedService) => `  ${s.pkg}${byContainer ? '' : `  (${s.container})`}${state(s)}\n`;
  let text = `Services on: ${target}\n`;
  if (services.length === 0) return text + '  (none)\n\n';
  if (!byContainer) return text + services.map(line).join('') + '\n';
  for (const [container, list] of [...groupBy(services, (s) => s.container)].sort(([a], [b]) => a.localeCompare(b))) text += `  Container: ${container}\n${list.map((s) => '  ' + line(s)).join('')}`;
  return text + '\n';
}
