// What the commands that talk to the targets share: the `--interface` and `--target-property`
// flags, reading an infrastructure model on its own, making the clients, and running one
// operation on every target at once with each target's outcome reported.

import { join, resolve } from 'node:path';
import { initParser } from '../core/nix/parser';
import { analyseDeployment } from '../core/model/analyse';
import { targetDefaultsFrom, type TargetDefaults } from '../core/model/load';
import { manifestInfrastructure } from '../core/plan/manifest';
import type { ManifestTarget } from '../core/plan/types';
import { Clients, transportOptionsFromEnv } from '../core/deploy/clients';
import type { TargetClient } from '../core/deploy/transport';
import { dnxStateDir } from '../core/state-home';
import { type ArgReader, UsageError } from './args';
import { formatDiagnostic } from '../core/nix/diagnostic';

export const targetOptionsHelp = `reaching the targets:
  --interface PROGRAM        the client interface for every target (default: each target's clientInterface)
  --target-property NAME     the target property holding each target's address`;

/** `--target-property` and `--interface`: the targets' defaults, as `TargetDefaults` names them. */
export type TargetArgs = TargetDefaults;

/** `DISNIX_CLIENT_INTERFACE` and `DISNIX_TARGET_PROPERTY`, as the Disnix tools read them. */
export function defaultTargetArgs(env: NodeJS.ProcessEnv = process.env): TargetArgs {
  return targetDefaultsFrom(env);
}

export function readTargetFlag(flag: string, r: ArgReader, out: TargetArgs): boolean {
  if (flag === '--interface') out.clientInterface = r.value(flag);
  else if (flag === '--target-property') out.targetProperty = r.value(flag);
  else return false;
  return true;
}

/** Each target's client; what a client prints goes to stderr, prefixed with its target. */
export function openClients(infrastructure: Record<string, ManifestTarget>, args: TargetArgs, stateDir = dnxStateDir()): Clients {
  return new Clients(infrastructure, {
    agentCommand: [process.execPath, join(__dirname, 'agent.js')],
    localTargetsDir: join(stateDir, 'targets'),
    clientInterface: args.clientInterface,
    targetProperty: args.targetProperty,
    ...transportOptionsFromEnv(process.env),
    log: (target, line) => process.stderr.write(`  ${target}| ${line}\n`),
  });
}

/** Where the targets are read from: an infrastructure model, or the one inside an architecture model. */
export interface InfrastructureArgs {
  infrastructure?: string;
  architecture?: string;
}

export function readInfrastructureFlag(flag: string, r: ArgReader, out: InfrastructureArgs): boolean {
  if (flag === '-i' || flag === '--infrastructure') out.infrastructure = r.value(flag);
  else if (flag === '-A' || flag === '--architecture') out.architecture = r.value(flag);
  else return false;
  return true;
}

/** The targets of an infrastructure (or architecture) model; its errors go to stderr, and with errors there are none. */
export async function readInfrastructure(args: InfrastructureArgs): Promise<Record<string, ManifestTarget> | undefined> {
  if (!args.infrastructure && !args.architecture) throw new UsageError('no infrastructure model given (-i FILE, or -A FILE for an architecture model)');
  await initParser();
  const analysis = analyseDeployment(args.infrastructure ? { infrastructure: resolve(args.infrastructure) } : { architecture: resolve(args.architecture!) });
  const problems = analysis.diagnostics.filter((d) => d.severity === 'error');
  for (const d of problems) process.stderr.write(formatDiagnostic(d, process.cwd()) + '\n');
  return problems.length > 0 ? undefined : manifestInfrastructure(analysis);
}

/**
 * Runs `work` on every target at once; a target that fails is reported and the others go on.
 * Resolves with each target's result, in the order of `targets` whatever order they finished
 * in (print from these, so the output is the same every run), each failed target's error,
 * and whether all succeeded.
 */
export async function onEveryTarget<T>(clients: Clients, targets: string[], work: (c: TargetClient) => Promise<T>): Promise<{ results: Map<string, T>; errors: Map<string, string>; ok: boolean }> {
  const results = new Map<string, T>();
  const errors = new Map<string, string>();
  try {
    const settled = await Promise.allSettled(targets.map((t) => work(clients.get(t))));
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') results.set(targets[i], s.value);
      else {
        const message = s.reason instanceof Error ? s.reason.message : String(s.reason);
        const line = `${message.startsWith(`${targets[i]}:`) ? '' : `${targets[i]}: `}${message}`;
        errors.set(targets[i], line);
        process.stderr.write(line + '\n');
      }
    });
  } finally {
    await clients.close();
  }
  return { results, errors, ok: errors.size === 0 };
}
