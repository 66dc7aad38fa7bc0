// Hover: for a service, where it is deployed and what it uses and is used by; for a target,
// its resolved properties and the services mapped to it; for a model attribute, its
// documentation from the schema; for a Dysnomia type, what the module activates.

import type { JsonValue } from '../json';
import { jsonToNix } from '../plan/json-to-nix';
import type { ModelRole } from '../model/roles';
import { attributeSchema, dysnomiaTypes } from '../model/schema';
import type { Service, Target } from '../model/types';
import { printValue } from '../nix/print';
import type { Loc } from '../nix/source';
import type { Lazy } from '../nix/values';
import { cursorContext, partAt, wordAt } from './cursor';
import { attributeDoc } from './docs';
import { parsedFile, type IdeState } from './state';
import { occurrenceAt } from './symbols';

export interface Hover {
  /** Markdown. */
  contents: string;
  loc: Loc;
}

export function hover(state: IdeState, path: string, role: ModelRole, offset: number): Hover | undefined {
  const at = occurrenceAt(state, path, offset);
  const { model } = state.analysis;
  if (at?.kind === 'service') {
    const s = model.services.get(at.name);
    return { contents: s ? serviceHover(state, s) : `**service** \`${at.name}\`: not defined in the services model`, loc: at.loc };
  }
  if (at?.kind === 'target') {
    const t = model.infrastructure.get(at.name);
    return { contents: t ? targetHover(state, t) : `**target** \`${at.name}\`: not defined in the infrastructure model`, loc: at.loc };
  }
  return attributeHover(state, path, role, offset);
}

function serviceHover(state: IdeState, s: Service): string {
  const { model } = state.analysis;
  const lines = [`**service** \`${s.key}\`${s.type ? ` (type \`${s.type.value}\`)` : ''}`];
  const mapping = model.distribution.get(s.key);
  if (!mapping) lines.push('Not in the distribution: not deployed.');
  else if (mapping.targets.length === 0) lines.push('Mapped to no target.');
  else lines.push(`Deployed to: ${mapping.targets.map((t) => `\`${t.target}\`${t.container && t.container !== s.type?.value ? ` (container \`${t.container}\`)` : ''}`).join(', ')}`);
  const list = (label: string, names: (string | undefined)[]) => {
    const known = [...new Set(names.filter((n): n is string => !!n))];
    if (known.length) lines.push(`${label}: ${known.map((n) => `\`${n}\``).join(', ')}`);
  };
  list('Depends on', s.dependsOn.map((d) => d.service));
  list('Connects to', s.connectsTo.map((d) => d.service));
  list('Activates after', s.activatesAfter.map((d) => d.service));
  const users: string[] = [];
  for (const other of model.services.values()) {
    if ([...other.dependsOn, ...other.connectsTo].some((d) => d.service === s.key)) users.push(other.key);
  }
  list('Used by', users);
  list('Provides containers', s.providesContainers.map((c) => c.value));
  return lines.join('\n\n');
}

function targetHover(state: IdeState, t: Target): string {
  const { model, evaluator } = state.analysis;
  const show = (v: unknown) => printValue(evaluator, v as Lazy, { maxDepth: 1 });
  const lines = [`**target** \`${t.key}\`${t.address !== undefined ? ` at \`${t.address}\`` : ''}`, ''];
  lines.push('| property | value |', '|---|---|');
  // On one line: a set or list as Nix writes it, folded.
  const data = (v: JsonValue | undefined) => (v === undefined ? '«not known here»' : jsonToNix(v).replace(/\s*\n\s*/g, ' '));
  for (const [name, p] of t.properties) lines.push(`| ${name} | \`${escapeCell(data(p.value))}\` |`);
  lines.push(`| system | \`${t.system}\` |`, `| numOfCores | \`${escapeCell(show(t.numOfCores.value))}\` |`, `| clientInterface | \`${t.clientInterface}\` |`);
  if (t.targetProperty.value !== 'hostname') lines.push(`| targetProperty | \`${t.targetProperty.value}\` |`);
  if (t.containers) lines.push('', `Containers: ${[...t.containers.keys()].map((c) => `\`${c}\``).join(', ') || 'none'}`);
  const mapped: string[] = [];
  for (const m of model.distribution.values()) for (const tm of m.targets) if (tm.target === t.key) mapped.push(`\`${m.service}\``);
  lines.push('', mapped.length ? `Services: ${[...new Set(mapped)].join(', ')}` : 'No services are mapped to it.');
  return lines.join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\n\s*/g, ' ');
}

/** The attribute name or Dysnomia type under the cursor, documented from the schema. */
function attributeHover(state: IdeState, path: string, role: ModelRole, offset: number): Hover | undefined {
  const source = parsedFile(state, path)?.source;
  if (!source) return undefined;
  const text = source.text;
  const { start, end } = wordAt(text, offset);
  if (start === end) return undefined;
  const word = text.slice(start, end);
  const loc = { source, start, end };
  const ctx = cursorContext(text, start);
  if (ctx.stringKey === 'type' && dysnomiaTypes.has(word)) return { contents: `**${word}** (Dysnomia module): ${dysnomiaTypes.get(word)}`, loc };
  if (ctx.stringKey !== undefined || !/^\s*=/.test(text.slice(end, end + 50))) return undefined;
  const part = partAt(role, ctx.enclosing);
  const schema = part ? attributeSchema(part, word) : undefined;
  return schema ? { contents: attributeDoc(schema), loc } : undefined;
}
