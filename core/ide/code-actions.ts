// Quick fixes for the diagnostics in a range: replace a likely typo with the known name, add a
// service to the distribution, create a missing target, fix a `name` that differs from the
// attribute name, remove a mapping of a service that does not exist.

import type { Diagnostic } from '../nix/diagnostic';
import type { ExprOf } from '../nix/ast';
import type { Loc, Source } from '../nix/source';
import { topLevelSet } from '../nix/walk';
import { parsedFile, textAt, type IdeState, type TextEdit } from './state';

export interface QuickFix {
  title: string;
  diagnostic: Diagnostic;
  edits: TextEdit[];
  /** The fix to pick when the user asks for the preferred one. */
  preferred?: boolean;
}

export function quickFixes(state: IdeState, path: string, start: number, end: number): QuickFix[] {
  const fixes: QuickFix[] = [];
  for (const d of state.analysis.diagnostics) {
    if (d.loc.source.path !== path || d.loc.end < start || d.loc.start > end) continue;
    if (d.insertion) fixes.push({ title: `Insert \`${d.insertion.text}\``, edits: [{ loc: { source: d.loc.source, start: d.insertion.at, end: d.insertion.at }, newText: d.insertion.text }], preferred: true, diagnostic: d });
    if (d.subject) for (const fix of fixesFor(state, path, d, d.subject)) fixes.push({ ...fix, diagnostic: d });
  }
  return fixes;
}

/** What fixes `d`, by its code: every code is named, so a new one cannot be forgotten here. */
function fixesFor(state: IdeState, path: string, d: Diagnostic, { name, suggestion, alternatives, owner }: NonNullable<Diagnostic['subject']>): Omit<QuickFix, 'diagnostic'>[] {
  const present = <T>(x: T | undefined): T[] => (x === undefined ? [] : [x]);
  // One fix per candidate; preferred only when there is no choice to make.
  const typo = (title = (candidate: string) => `Change to '${candidate}'`, preferable = true) =>
    (alternatives ?? (suggestion === undefined ? [] : [suggestion])).flatMap((candidate, _, all) => {
      // At a helper's call site the text may be the helper's own: the fix goes where it is written.
      const edit = replaceName(d.loc, name, candidate) ?? (d.loc.writtenIn && replaceName(d.loc.writtenIn, name, candidate));
      return present(edit && { title: title(candidate), edits: [edit], preferred: preferable && all.length === 1 });
    });
  switch (d.code) {
    case 'unknown-service': {
      const remove = path === state.analysis.files.distribution ? removeAttribute(state, path, d.loc) : undefined;
      return [...typo(), ...present(remove && { title: `Remove the mapping of '${name}'`, edits: [remove] })];
    }
    case 'unknown-target':
      return [...typo(), ...present(addTarget(state, name))];
    case 'unknown-attribute':
    case 'misspelt-attribute':
    case 'unknown-type':
    case 'undefined-variable':
      return typo();
    case 'name-mismatch':
      return typo((candidate) => `Set the name to "${candidate}"`);
    case 'name-missing':
      return present(setName(state, name));
    case 'unknown-container':
      return [...present(owner === undefined ? undefined : declareContainer(state, owner, name)), ...typo((candidate) => `Deploy to container '${candidate}'`, false)];
    case 'service-not-distributed':
    case 'dependency-not-distributed':
      return present(addMapping(state, name));
    case 'duplicate-target-address':
      return present(suggestion === undefined ? undefined : reachBy(state, name, suggestion));
    case 'syntax-error': // its one obvious fix, if any, is its insertion
    case 'eval-error':
    case 'invalid-model':
    case 'type-missing':
    case 'pkg-missing':
    case 'dependency-on-package':
    case 'dependency-cycle':
    case 'target-property-missing':
    case 'invalid-num-of-cores':
    case 'invalid-mapping':
    case 'build-error':
    case 'file-too-large':
    case 'unavailable-path':
      return [];
    default: {
      const unhandled: never = d.code;
      return unhandled;
    }
  }
}

/** Replaces `name` where it stands as a whole word in `loc` (not inside a longer name, such as a service's key). */
function replaceName(loc: Loc, name: string, replacement: string): TextEdit | undefined {
  const text = textAt(loc);
  const word = /[A-Za-z0-9_'-]/;
  let at = text.lastIndexOf(name);
  while (at >= 0 && (word.test(text[at - 1] ?? '') || word.test(text[at + name.length] ?? ''))) at = at === 0 ? -1 : text.lastIndexOf(name, at - 1);
  if (at < 0) return undefined;
  return { loc: { ...loc, start: loc.start + at, end: loc.start + at + name.length }, newText: replacement };
}

function addMapping(state: IdeState, service: string): Omit<QuickFix, 'diagnostic'> | undefined {
  const { files, model } = state.analysis;
  const target = model.infrastructure.keys().next().value;
  if (!files.distribution || model.distribution.has(service) || target === undefined) return undefined;
  const edit = insertAttribute(state, files.distribution, `${service} = [ infrastructure.${target} ];`);
  return edit && { title: `Deploy '${service}' to '${target}'`, edits: [edit] };
}

/** Sets `targetProperty` to `property` on every target that has the address `target` has, so that each is reached by its own. */
function reachBy(state: IdeState, target: string, property: string): Omit<QuickFix, 'diagnostic'> | undefined {
  const { files, model } = state.analysis;
  const address = model.infrastructure.get(target)?.address;
  const parsed = files.infrastructure && parsedFile(state, files.infrastructure);
  const top = parsed && topLevelSet(parsed.expr);
  if (address === undefined || !parsed || !top) return undefined;
  const same = [...model.infrastructure.values()].filter((t) => t.address === address && t.properties.has(property) && !t.attributes.has('targetProperty'));
  const edits = same.flatMap((t) => {
    const set = top.attrs.get(t.key)?.value;
    return set?.kind === 'attrs' ? [insertIntoSet(parsed.source, set, `targetProperty = "${property}";`)] : [];
  });
  return edits.length > 1 ? { title: `Reach ${same.map((t) => `'${t.key}'`).join(' and ')} by their ${property} (targetProperty)`, edits, preferred: true } : undefined;
}

/** `name = "KEY";` at the top of the service's set, when the set is written in the services model. */
function setName(state: IdeState, key: string): Omit<QuickFix, 'diagnostic'> | undefined {
  const { files } = state.analysis;
  const parsed = files.services && parsedFile(state, files.services);
  const set = parsed && topLevelSet(parsed.expr)?.attrs.get(key)?.value;
  if (!parsed || !set || set.kind !== 'attrs') return undefined;
  return { title: `Add name = "${key}"`, edits: [insertIntoSet(parsed.source, set, `name = "${key}";`)], preferred: true };
}

/** Declares the container on the target: in its `containers` set when it is written as one, else as `containers.NAME = { };`. */
function declareContainer(state: IdeState, target: string, container: string): Omit<QuickFix, 'diagnostic'> | undefined {
  const { files } = state.analysis;
  const parsed = files.infrastructure && parsedFile(state, files.infrastructure);
  const set = parsed && topLevelSet(parsed.expr)?.attrs.get(target)?.value;
  if (!parsed || !set || set.kind !== 'attrs') return undefined;
  // `containers = { ... };` written as a set takes it inside; `containers.process = { };` (a
  // set Nix makes from the path) gets another such line.
  const def = set.attrs.get('containers');
  const written = def?.value.kind === 'attrs' && parsed.source.text[def.value.loc.start] === '{' && def.value.loc.start > def.loc.start;
  const edit = written ? insertIntoSet(parsed.source, def.value as ExprOf<'attrs'>, `${container} = { };`) : insertIntoSet(parsed.source, set, `containers.${container} = { };`);
  return { title: `Declare container '${container}' on '${target}'`, edits: [edit] };
}

function addTarget(state: IdeState, target: string): Omit<QuickFix, 'diagnostic'> | undefined {
  const { files, model } = state.analysis;
  if (!files.infrastructure || model.infrastructure.has(target)) return undefined;
  const edit = insertAttribute(state, files.infrastructure, `${target} = {\n  properties.hostname = "${target}";\n};`);
  return edit && { title: `Add target '${target}' to the infrastructure model`, edits: [edit] };
}

/** Inserts `definition` as the last attribute of the file's top-level set, indented like the others. */
function insertAttribute(state: IdeState, path: string, definition: string): TextEdit | undefined {
  const parsed = parsedFile(state, path);
  const top = parsed && topLevelSet(parsed.expr);
  return parsed && top && insertIntoSet(parsed.source, top, definition);
}

/** Inserts `definition` as the last attribute of `set`: on a line of its own, indented like the others, when the set closes on one. */
function insertIntoSet(source: Source, set: ExprOf<'attrs'>, definition: string): TextEdit {
  const text = source.text;
  const close = set.loc.end - 1;
  const lineStart = text.lastIndexOf('\n', close - 1) + 1;
  const first = [...set.attrs.values()][0];
  const indent = first ? first.loc.start - (text.lastIndexOf('\n', first.loc.start - 1) + 1) : 2;
  const pad = ' '.repeat(Math.max(0, indent));
  const body = definition.split('\n').map((l) => pad + l).join('\n');
  const onOwnLine = /^\s*$/.test(text.slice(lineStart, close));
  return onOwnLine ? { loc: { source, start: lineStart, end: lineStart }, newText: `${body}\n` } : { loc: { source, start: close, end: close }, newText: ` ${definition} ` };
}

/** Deletes the attribute whose name is at `keyLoc`, with its line when it has one to itself. */
function removeAttribute(state: IdeState, path: string, keyLoc: Loc): TextEdit | undefined {
  const parsed = parsedFile(state, path);
  const top = parsed && topLevelSet(parsed.expr);
  const def = top && [...top.attrs.values()].find((d) => d.loc.start === keyLoc.start);
  if (!parsed || !def) return undefined;
  const text = parsed.source.text;
  let end = def.value.loc.end;
  const semicolon = text.indexOf(';', end);
  if (semicolon >= 0 && /^\s*$/.test(text.slice(end, semicolon))) end = semicolon + 1;
  let start = def.loc.start;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  if (/^\s*$/.test(text.slice(lineStart, start)) && /^\s*$/.test(text.slice(end, lineEnd < 0 ? text.length : lineEnd))) {
    start = lineStart;
    end = lineEnd < 0 ? text.length : lineEnd + 1;
  }
  return { loc: { source: parsed.source, start, end }, newText: '' };
}
