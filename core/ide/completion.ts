// Completion in the model files. Where the cursor is (cursor.ts) says which part of the model
// the set being written describes; the attribute schema then says what to offer: that part's
// attribute names with their documentation, or, inside an attribute's value, the names its
// `completion` source names (services, targets, Dysnomia types, containers, properties,
// client interfaces). Names come from the analysed model.

import type { ModelRole } from '../model/roles';
import { attributeSchema, attributesOf, clientInterfaces, dysnomiaTypes, type CompletionSource, type ModelPart } from '../model/schema';
import { cursorContext, keyBefore, partAt, type CursorContext } from './cursor';
import { attributeDoc } from './docs';
import { ENTRY_SNIPPETS, MODEL_SNIPPETS, type Snippet } from './snippets';
import type { IdeState } from './state';

export type CompletionKind = 'service' | 'target' | 'attribute' | 'type' | 'container' | 'property' | 'value' | 'snippet';

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
  /** `insertText` is a snippet (`$1` marks where the cursor goes). */
  snippet?: boolean;
  /** Completion opens again after inserting it (`infrastructure.` asks for a target). */
  retrigger?: boolean;
}

export interface Completions {
  items: CompletionItem[];
  /** The typed text the items replace. */
  replaceStart: number;
  replaceEnd: number;
}

/** Sources whose names are written as strings (`type = "process"`). */
const STRING_SOURCES = new Set<CompletionSource>(['types', 'containers', 'properties', 'interfaces']);

interface Place {
  state: IdeState;
  role: ModelRole;
  ctx: CursorContext;
  text: string;
}

/**
 * What to offer at `offset`. `trigger`: the character typed that asked (a space, `{`); only
 * where a service name is wanted next (`inherit `, `dependsOn = {`) does it open completion.
 */
export function complete(state: IdeState, path: string, role: ModelRole, offset: number, trigger?: string): Completions {
  const text = state.text(path);
  const ctx = cursorContext(text, offset);
  const at = { state, role, ctx, text };
  const none = { items: [], replaceStart: ctx.prefixStart, replaceEnd: offset };
  if ((trigger === ' ' && ctx.slot !== 'inherit') || ((trigger === ' ' || trigger === '{') && enclosingSource(at) !== 'services')) return none;
  return { items: [...itemsFor(at), ...snippetsFor(at)], replaceStart: ctx.prefixStart, replaceEnd: offset };
}

/** Whole entries where one can start (the model's top-level set), a whole model in an empty file; after the names. */
function snippetsFor({ role, ctx, text }: Place): CompletionItem[] {
  const asItem = (s: Snippet): CompletionItem => ({ label: s.prefix, kind: 'snippet', detail: s.description, insertText: s.body, snippet: true, sortText: `9${s.prefix}` });
  if (text.trim() === '' || text.trim() === ctx.prefix) return present(MODEL_SNIPPETS[role]).map(asItem);
  return ctx.enclosing.length === 1 && ctx.enclosing[0].bracket === '{' && ctx.slot === 'key' ? (ENTRY_SNIPPETS[role] ?? []).map(asItem) : [];
}

const present = <T>(x: T | undefined): T[] => (x === undefined ? [] : [x]);

/** What the set the cursor is in holds, when it is the value of a part's attribute (`dependsOn = {`: services). */
function enclosingSource(at: Place): CompletionSource | undefined {
  const { role, ctx } = at;
  const outer = partAt(role, ctx.enclosing.slice(0, -1));
  const key = ctx.enclosing[ctx.enclosing.length - 1]?.key ?? '';
  return outer && attributeSchema(outer, key)?.completion;
}

/** `;` after a name that ends a statement: nothing but the end of the line or the set follows the cursor. */
function endsStatement(text: string, offset: number): boolean {
  const rest = text.slice(offset).match(/^[A-Za-z0-9_'-]*([^\n]*)/)![1].trim();
  return rest === '' || rest.startsWith('}');
}

function itemsFor(at: Place): CompletionItem[] {
  const { role, ctx, text } = at;
  if (ctx.afterInfrastructure) return fromSource('targets', at);
  const part = partAt(role, ctx.enclosing);
  // Inside the value of one of the part's attributes: `type = "pro`, `type = pro`.
  if (ctx.stringKey !== undefined || ctx.slot === 'value') {
    const key = ctx.stringKey ?? keyBefore(text, ctx.prefixStart);
    const source = part && attributeSchema(part, key)?.completion;
    if (!source || !STRING_SOURCES.has(source)) return [];
    const items = fromSource(source, at);
    return ctx.stringKey !== undefined ? items : items.map((i) => ({ ...i, insertText: `"${i.label}"` }));
  }
  if (ctx.slot === 'other') return [];
  if (part && ctx.slot === 'key') return attributes(part, at);
  // A set that is the value of a part's attribute: `dependsOn = { ... }`, `properties = { ... }`.
  const source = enclosingSource(at);
  if (source === 'services') {
    // Not itself, nor what the set lists already.
    const own = ctx.enclosing[ctx.enclosing.length - 2].key;
    const listed = presentKeys(text, ctx);
    const semicolon = ctx.slot === 'inherit' && endsStatement(text, ctx.prefixStart) ? ';' : '';
    return fromSource('services', at)
      .filter((i) => i.label !== own && !listed.has(i.label))
      .map((i) => (ctx.slot === 'key' ? { ...i, insertText: `inherit ${i.label};` } : semicolon ? { ...i, insertText: i.label + semicolon } : i));
  }
  if (source && ctx.slot === 'key') return fromSource(source, at).map((i) => (i.kind === 'property' ? { ...i, insertText: `${i.label} = ` } : i));
  // The distribution's keys are the services to deploy; those not yet mapped first, each a whole
  // mapping with the cursor where the target goes.
  if (role === 'distribution' && ctx.enclosing.length === 1 && ctx.slot === 'key') {
    const { distribution } = at.state.stableModel;
    return fromSource('services', at).map((i) => ({ ...i, sortText: `${distribution.has(i.label) ? 1 : 0}${i.label}`, insertText: `${i.label} = [ infrastructure.$1 ];$0`, snippet: true, retrigger: true }));
  }
  return [];
}

function fromSource(source: CompletionSource, at: Place): CompletionItem[] {
  const model = at.state.stableModel;
  switch (source) {
    case 'services':
      return [...model.services.values()].map((s) => ({ label: s.key, kind: 'service', detail: s.type ? `service (${s.type.value})` : 'service' }));
    case 'targets':
      return [...model.infrastructure.values()].map((t) => ({ label: t.key, kind: 'target', detail: t.address !== undefined ? `target at ${t.address}` : 'target' }));
    case 'types':
      return types(at);
    case 'containers':
      return containers(at);
    case 'properties':
      return properties(at);
    case 'interfaces':
      return clientInterfaces.map((n) => ({ label: n, kind: 'value' }));
  }
}

function attributes(part: ModelPart, at: Place): CompletionItem[] {
  const present = presentKeys(at.text, at.ctx);
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
      // `inherit a b;` lists a and b (not the name being typed).
      const inherit = /^inherit\s+((?:\([^)]*\)\s*)?)([^;{}]*)/.exec(text.slice(i, i + 1000));
      if (inherit) {
        let at = i + inherit[0].length - inherit[2].length;
        for (const name of inherit[2].split(/(\s+)/)) {
          if (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name) && at !== ctx.prefixStart) keys.add(name);
          at += name.length;
        }
      }
      statementStart = false;
    }
  }
  return keys;
}

function skipString(text: string, i: number): number {
  for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
  return i;
}

/** Dysnomia modules, and the containers services provide; first those some target declares as a container. */
function types(at: Place): CompletionItem[] {
  const declared = new Set<string>();
  for (const t of at.state.stableModel.infrastructure.values()) for (const c of t.containers?.keys() ?? []) declared.add(c);
  const items: CompletionItem[] = [...dysnomiaTypes].map(([name, doc]) => ({ label: name, kind: 'type', detail: declared.has(name) ? 'Dysnomia module, a container of the targets' : 'Dysnomia module', documentation: doc, sortText: `${declared.has(name) ? 0 : 1}${name}` }));
  for (const s of at.state.stableModel.services.values()) {
    for (const c of s.providesContainers) items.push({ label: c.value, kind: 'container', detail: `container provided by ${s.key}`, sortText: `0${c.value}` });
  }
  return dedupe(items);
}

/**
 * Declaring a target's containers: the names Dysnomia and the services know. Choosing one in a
 * mapping: the containers of the target written beside it, else of every target.
 */
function containers(at: Place): CompletionItem[] {
  if (at.role === 'infrastructure') return types(at).map((i) => ({ ...i, kind: 'container' }));
  const { infrastructure } = at.state.stableModel;
  const open = at.ctx.enclosing[at.ctx.enclosing.length - 1];
  const close = at.text.indexOf('}', at.ctx.prefixStart);
  const entry = open ? at.text.slice(open.start, close < 0 ? undefined : close) : '';
  const name = /target\s*=\s*infrastructure\s*\.\s*([A-Za-z_][A-Za-z0-9_'-]*)/.exec(entry)?.[1];
  const chosen = name !== undefined ? [infrastructure.get(name)].filter((t) => t !== undefined) : [...infrastructure.values()];
  const items: CompletionItem[] = [];
  for (const t of chosen) for (const c of t.containers?.keys() ?? []) items.push({ label: c, kind: 'container', detail: `container on ${t.key}` });
  return dedupe(items);
}

/** The properties of the target being written, or every property name the targets use. */
function properties(at: Place): CompletionItem[] {
  const { infrastructure } = at.state.stableModel;
  const own = at.role === 'infrastructure' && at.ctx.stringKey !== undefined ? infrastructure.get(at.ctx.enclosing[1]?.key ?? '') : undefined;
  const names = new Set<string>(own ? [] : ['hostname']);
  for (const t of own ? [own] : infrastructure.values()) for (const n of t.properties.keys()) names.add(n);
  return [...names].map((n) => ({ label: n, kind: 'property' }));
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && !!seen.add(i.label));
}
