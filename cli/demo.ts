// `dnx demo` (the README's first line, `npm run demo`): validates, plans and deploys the
// hello-world example (examples/hello-world/local) to two targets on this machine: local
// client interface, plain-folder packages, so no root, SSH or Nix. Then it shows what runs
// where and asks the front end. Run again, it has nothing to do; `--undeploy` removes it all.

import { join } from 'node:path';
import type { Analysis } from '../core/model/analyse';
import { CoordinatorProfile } from '../core/plan/coordinator';
import type { Manifest } from '../core/plan/types';
import { serviceAttribute } from '../core/model/json';
import { UsageError } from './args';
import { defaultDeployArgs, deploy } from './deploy';
import { dnxStateDir } from '../core/state-home';

export const demoUsage = `usage: dnx demo [--undeploy]

Deploys the hello-world example (examples/hello-world/local) to two targets on this machine
and shows what runs where and the endpoints to try. No root, SSH or Nix is needed: the
targets use the local client interface and the packages are plain folders. Running it again
finds nothing to do; --undeploy stops the services and removes them.

The demo keeps its state in $DNX_STATE_DIR/demo (default ~/.local/state/dnx/demo).`;

const EXAMPLE = join(__dirname, '..', 'examples', 'hello-world', 'local');

export async function runDemo(argv: string[]): Promise<number> {
  const undeploy = argv[0] === '--undeploy';
  if (argv.length > (undeploy ? 1 : 0)) throw new UsageError(`unexpected argument '${argv[undeploy ? 1 : 0]}'`);
  const stateDir = join(dnxStateDir(), 'demo');
  const profile = new CoordinatorProfile(join(stateDir, 'coordinator'), 'default');
  const files = { services: join(EXAMPLE, 'services.nix'), infrastructure: join(EXAMPLE, 'infrastructure.nix'), distribution: join(EXAMPLE, 'distribution.nix') };
  // The demo stands alone: Disnix's environment variables do not apply to it.
  const args = { ...defaultDeployArgs(undeploy ? {} : files, {}), undeploy };
  if (undeploy && !profile.read()?.serviceMappings.length) {
    process.stdout.write('The demo is not deployed: nothing to undeploy.\n');
    return 0;
  }
  process.stdout.write(undeploy ? 'Undeploying the demo.\n\n' : `Deploying ${EXAMPLE} to two local targets (state in ${stateDir}).\n\n`);
  return deploy(args, profile, stateDir, async ({ result, next, analysis }) => {
    if (result.status !== 0 || !analysis) return;
    process.stdout.write(`\n${whatRunsWhere(next)}`);
    const endpoints = endpointsOf(analysis, next);
    process.stdout.write(`\nEndpoints:\n${endpoints.map((e) => `  ${e.name.padEnd(18)} ${e.url}`).join('\n')}\n`);
    const front = endpoints.find((e) => e.front);
    if (front) process.stdout.write(`\n$ curl ${front.url}\n${await ask(front.url)}\n`);
    process.stdout.write('\nRun `npm run demo` again: nothing to do. `node dist/cli.js demo --undeploy` removes it.\n');
  });
}

function whatRunsWhere(m: Manifest): string {
  const lines = ['What runs where:'];
  for (const t of Object.keys(m.infrastructure).sort()) {
    const names = m.serviceMappings.filter((x) => x.target === t).map((x) => `${m.services[x.service].name} (${x.container})`);
    lines.push(`  ${t}: ${names.sort().join(', ') || 'nothing'}`);
  }
  return lines.join('\n') + '\n';
}

/** Each service's `port` on its target's hostname; the front end is the one nothing depends on. */
function endpointsOf(analysis: Analysis, m: Manifest): { name: string; url: string; front: boolean }[] {
  const used = new Set(Object.values(m.services).flatMap((s) => s.dependsOn.map((d) => m.services[d.service]?.name)));
  const out: { name: string; url: string; front: boolean }[] = [];
  for (const mapping of m.serviceMappings) {
    const name = m.services[mapping.service].name;
    const port = serviceAttribute(analysis, name, 'port');
    const host = m.infrastructure[mapping.target]?.properties.hostname ?? 'localhost';
    if (port === undefined) continue;
    out.push({ name, url: `http://${String(host)}:${String(port)}/`, front: !used.has(name) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

async function ask(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return (await res.text()).trimEnd();
  } catch (e) {
    return `(no answer: ${(e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`;
  }
}
