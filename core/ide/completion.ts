// Completion in the model files. What is offered depends on where the cursor is (cursor.ts)
// and comes from the analysed model and the attribute schema: service names in dependsOn,
// connectsTo, activatesAfter and as distribution keys; targets after `infrastructure.`;
// attribute names with their documentation; Dysnomia types; containers; property names.

import type { ModelRole } from '../model/roles';
import { attributesOf, dysnomiaTypes, type ModelPart } from '../model/schema';
import { cursorContext, keyPath, type CursorContext } from './cursor';
import { attributeDoc } from './docs';
import type { IdeState } from './state';

export type CompletionKind = 'service' | 'target' | 'attribute' | 'type' | 'container' | 'property' | 'value';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text that replaces the typed prefix; the label when absent. */
  insertText?: string;
  /** Items that sort first start with '0'. */
  sortText?: string;
}

export interface Completions {
  items: CompletionItem[];
  /** The typed text the items replace. */
  replaceStart: number;
  replaceEnd: number;
}

const DEPENDENCY_KEYS = new Set(['dependsOn', 'connectsTo', 'activatesAfter']);
const CLIENT_INTERFACES = ['disnix-ssh-client', 'disnix-soap-client', 'disnix-client'];

export function complete(state: IdeState, path: string, role: ModelRole, offset: number): Completions {
  const text = state.text(path);
  const ctx = cursorContext(text, offset);
  return { items: itemsFor(state, role, ctx, text), replaceStart: ctx.prefixStart, replaceEnd: offset };
}

function itemsFor(state: IdeState, role: ModelRole, ctx: CursorContext, text: string): CompletionItem[] {
  const path = keyPath(ctx);
  const inner = path[path.length - 1];
  if (ctx.stringKey !== undefined) return stringValues(state, role, ctx, path, text);
  if (ctx.afterInfrastructure) return targets(state);
  if (ctx.slot === 'other') return [];
  if (inner !== undefined && DEPENDENCY_KEYS.has(inner) && ctx.slot !== 'value') {
    return services(state, path[path.length - 2], ctx.slot === 'key' ? (n) => `inherit ${n};` : undefined);
  }
  if (ctx.slot === 'value') {
    const key = keyBeforeValue(text, ctx.prefixStart);
    if (key === 'type') return types(state).map((i) => ({ ...i, insertText: `"${i.label}"` }));
    return [];
  }
  const depth = path.length;
  if (role === 'services' && depth === 2) return attributes('service', ctx, text);
  if (role === 'infrastructure' && depth === 2) return attributes('target', ctx, text);
  if (role === 'infrastructure' && depth === 3 && inner === 'properties') return propertyNames(state);
  if (role === 'infrastructure' && depth === 3 && inner === 'containers') return types(state).map((i) => ({ ...i, kind: 'container' as const }));
  if (role === 'distribution' && depth === 1) return distributionKeys(state);
  if (role === 'distribution' && depth === 2 && ctx.enclosing[1].bracket === '{') return attributes('mapping', ctx, text).filter((i) => i.label === 'targets');
  if (role === 'distribution' && depth >= 3 && ctx.enclosing[depth - 1].bracket === '{') return attributes('mapping', ctx, text).filter((i) => i.label !== 'targets');
  if (role === 'architecture' && depth === 3 && path[1] === 'services') return attributes('service', ctx, text);
  if (role === 'architecture' && depth === 3 && path[1] === 'infrastructure') return attributes('target', ctx, text);
  return [];
}

function services(state: IdeState, except: string | undefined, insert?: (name: string) => string): CompletionItem[] {
  const model = state.stableModel;
  return [...model.services.values()]
    .filter((s) => s.key !== except)
    .map((s) => ({
      label: s.key,
      kind: 'service' as const,
      detail: s.type ? `service (${s.type.value})` : 'service',
      ...(insert ? { insertText: insert(s.key) } : {}),
    }));
}

function distributionKeys(state: IdeState): CompletionItem[] {
  const model = state.stableModel;
  // Services not yet in the distribution first: those are the ones to add.
  return services(state, undefined).map((i) => ({ ...i, sortText: `${model.distribution.has(i.label) ? 1 : 0}${i.label}` }));
}

function targets(state: IdeState): CompletionItem[] {
  return [...state.stableModel.infrastructure.values()].map((t) => ({
    label: t.key,
    kind: 'target' as const,
    detail: t.address !== undefined ? `target at ${t.address}` : 'target',
  }));
}

function attributes(part: ModelPart, ctx: CursorContext, text: string): CompletionItem[] {
  const present = presentKeys(text, ctx);
  return attributesOf(part)
    .filter((a) => !present.has(a.name))
    .map((a) => ({
      label: a.name,
      kind: 'attribute' as const,
      detail: a.valueType,
      documentation: attributeDoc(a),
      insertText: `${a.name} = `,
      sortText: `${a.required ? 0 : 1}${a.name}`,
    }));
}

/** Keys already written at the top of the set the cursor is in, so they are not offered again. */
function presentKeys(text: string, ctx: CursorContext): Set<string> {
  const keys = new Set<string>();
  const open = ctx.enclosing[ctx.enclosing.length - 1];
  if (!open) return keys;
  let depth = 0;
  let statementStart = true;
  for (let i = open.start; i < text.length && depth >= 0; i++) {
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === '"') i = skipString(text, i);
    else if (c === ';' && depth === 0) statementStart = true;
    else if (statementStart && depth === 0 && !/\s/.test(c)) {
      const m = /^([A-Za-z_][A-Za-z0-9_'-]*)\s*=/.exec(text.slice(i, i + 100));
      if (m && i !== ctx.prefixStart) keys.add(m[1]);
      statementStart = false;
    }
  }
  return keys;
}

function skipString(text: string, i: number): number {
  for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
  return i;
}

function types(state: IdeState): CompletionItem[] {
  const items: CompletionItem[] = [...dysnomiaTypes].map(([name, doc]) => ({ label: name, kind: 'type', detail: 'Dysnomia module', documentation: doc }));
  for (const s of state.stableModel.services.values()) {
    for (const c of s.providesContainers) items.push({ label: c.value, kind: 'container', detail: `container provided by ${s.key}` });
  }
  return dedupe(items);
}

function propertyNames(state: IdeState): CompletionItem[] {
  const names = new Set<string>(['hostname']);
  for (const t of state.stableModel.infrastructure.values()) for (const n of t.properties.keys()) names.add(n);
  return [...names].map((n) => ({ label: n, kind: 'property', insertText: `${n} = ` }));
}

function stringValues(state: IdeState, role: ModelRole, ctx: CursorContext, path: string[], text: string): CompletionItem[] {
  const model = state.stableModel;
  switch (ctx.stringKey) {
    case 'type':
      return types(state);
    case 'clientInterface':
      return CLIENT_INTERFACES.map((n) => ({ label: n, kind: 'value' }));
    case 'targetProperty': {
      const target = role === 'infrastructure' ? model.infrastructure.get(path[1]) : undefined;
      const names = target ? [...target.properties.keys()] : propertyNames(state).map((i) => i.label);
      return names.map((n) => ({ label: n, kind: 'property' }));
    }
    case 'container': {
      // The target written in the same `{ target = infrastructure.x; container = "..."; }`.
      const open = ctx.enclosing[ctx.enclosing.length - 1];
      const entry = open ? text.slice(open.start, ctx.prefixStart) + text.slice(ctx.prefixStart, text.indexOf('}', ctx.prefixStart) >>> 0) : '';
      const name = /target\s*=\s*infrastructure\s*\.\s*([A-Za-z_][A-Za-z0-9_'-]*)/.exec(entry)?.[1];
      const chosen = name !== undefined ? [model.infrastructure.get(name)].filter((t) => t !== undefined) : [...model.infrastructure.values()];
      const items: CompletionItem[] = [];
      for (const t of chosen) for (const c of t.containers?.keys() ?? []) items.push({ label: c, kind: 'container', detail: `container on ${t.key}` });
      return dedupe(items);
    }
    default:
      return [];
  }
}

function keyBeforeValue(text: string, at: number): string {
  return /([A-Za-z_][A-Za-z0-9_'-]*)\s*=\s*$/.exec(text.slice(Math.max(0, at - 200), at))?.[1] ?? '';
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && !!seen.add(i.label));
}
