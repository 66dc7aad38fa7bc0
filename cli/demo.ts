// `dnx demo` (the README's first line, `npm run demo`): analyses the bundled example
// projects and prints each deployment as the rest of the product sees it, with its
// diagnostics. No SSH, root or Nix needed.

import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyseDeployment } from '../core/model/analyse';
import { candidateDeployments, roleOf, type ModelRole } from '../core/model/roles';
import type { DeploymentModel } from '../core/model/types';
import { initParser } from '../core/nix/parser';
import type { Lazy } from '../core/nix/values';
import { printValue } from '../core/nix/print';
import { formatDiagnostic } from './validate';

export const demoUsage = `usage: dnx demo [PROJECT-DIR ...]

Analyses Disnix projects (by default the bundled examples) and prints each one's default
deployment: its targets, where every service runs, what it depends on, and any problems.`;

export async function runDemo(argv: string[]): Promise<number> {
  const examples = join(__dirname, '..', 'examples');
  const dirs = argv.length ? argv : readdirSync(examples).sort().map((d) => join(examples, d));
  await initParser();
  let errors = 0;
  for (const dir of dirs) {
    const models = readdirSync(dir)
      .map((name) => ({ path: join(dir, name), role: roleOf(name) }))
      .filter((f): f is { path: string; role: ModelRole } => f.role !== undefined);
    const [files] = candidateDeployments(models);
    if (!files) {
      process.stderr.write(`${dir}: no Disnix models found\n`);
      errors++;
      continue;
    }
    const { model, diagnostics, evaluator } = analyseDeployment(files);
    const used = Object.values(files).map((p) => relative(dir, p as string)).join(', ');
    process.stdout.write(`# ${relative(process.cwd(), dir) || '.'} (${used})\n\n${describe(model, (v) => printValue(evaluator, evaluator.force(v), { maxDepth: 2 }))}\n`);
    for (const d of diagnostics) process.stdout.write(formatDiagnostic(d, dir) + '\n');
    process.stdout.write(diagnostics.length ? '\n' : 'no problems found\n\n');
    errors += diagnostics.filter((d) => d.severity === 'error').length;
  }
  return errors ? 1 : 0;
}

function describe(model: DeploymentModel, show: (v: Lazy) => string): string {
  const lines = ['targets:'];
  for (const t of model.infrastructure.values()) {
    const containers = t.containers ? [...t.containers.keys()].join(', ') : 'none declared';
    const props = t.attrs.get('properties');
    lines.push(`  ${t.key}: ${t.address ?? '?'} via ${t.clientInterface}, ${t.system}, ${t.numOfCores.value} core(s); containers: ${containers}`);
    if (props !== undefined) lines.push(`    properties = ${show(props).replace(/\n/g, '\n    ')};`);
  }
  lines.push('services:');
  for (const s of model.services.values()) {
    const where = model.distribution.get(s.key)?.targets.map((t) => `${t.target} (${t.container}${t.containerProvidedByService ? ` from ${t.containerProvidedByService}` : ''})`) ?? [];
    const deps = [...s.dependsOn, ...s.connectsTo].map((d) => (d.param === d.service ? d.service : `${d.param} = ${d.service}`));
    lines.push(`  ${s.key} [${s.type?.value ?? '?'}] on ${where.join(', ') || 'no target'}${deps.length ? `; uses ${deps.join(', ')}` : ''}`);
  }
  return lines.join('\n') + '\n';
}
