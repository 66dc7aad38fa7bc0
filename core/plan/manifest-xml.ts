// Disnix's manifest version 2 XML (../shared/reference/disnix.md §2.1), the structure its
// generatemanifest stylesheet produces, so Disnix's own tools can read what dnx computed.
// Typed values are written as NixXML: `type="string|int|float|bool|list|attrs"`.

import { escapeAttr } from '../nix/builtins/xml';
import type { DependencyMapping, JsonValue, Manifest } from './types';

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

class XmlWriter {
  private readonly lines: string[] = ['<?xml version="1.0"?>'];
  private depth = 0;

  line(s: string): void {
    this.lines.push('  '.repeat(this.depth) + s);
  }
  open(tag: string, attrs = ''): void {
    this.line(`<${tag}${attrs}>`);
    this.depth++;
  }
  close(tag: string): void {
    this.depth--;
    this.line(`</${tag}>`);
  }
  leaf(tag: string, text: string, attrs = ''): void {
    this.line(`<${tag}${attrs}>${escapeText(text)}</${tag}>`);
  }
  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

function typeOf(v: JsonValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return v === null ? 'null' : 'attrs';
}

/** A typed value as the element `tag`: scalars as text, lists as `<elem>`s, sets as `<property>`s. */
function typed(w: XmlWriter, tag: string, v: JsonValue, attrs = ''): void {
  const type = ` type="${typeOf(v)}"`;
  if (v === null) w.line(`<${tag}${attrs} />`);
  else if (Array.isArray(v)) {
    w.open(tag, attrs + type);
    for (const item of v) typed(w, 'elem', item);
    w.close(tag);
  } else if (typeof v === 'object') {
    w.open(tag, attrs + type);
    for (const k of Object.keys(v).sort()) typed(w, 'property', v[k], ` name="${escapeAttr(k)}"`);
    w.close(tag);
  } else w.leaf(tag, typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v), attrs + type);
}

function mappings(w: XmlWriter, tag: string, list: readonly DependencyMapping[]): void {
  w.open(tag);
  for (const m of list) {
    w.open('mapping');
    const fields = m as unknown as Record<string, string | null | undefined>;
    for (const k of Object.keys(fields).sort()) if (fields[k] !== undefined && fields[k] !== null) w.leaf(k, fields[k]!);
    w.close('mapping');
  }
  w.close(tag);
}

export function manifestToXml(m: Manifest): string {
  const w = new XmlWriter();
  w.open('manifest', ' version="2"');
  w.open('profiles');
  for (const [name, p] of Object.entries(m.profiles)) {
    if (p.path) w.leaf('profile', p.path, ` name="${escapeAttr(name)}"`);
    else w.line(`<profile name="${escapeAttr(name)}"><!-- planned: built by dnx deploy --></profile>`);
  }
  w.close('profiles');
  w.open('services');
  for (const [hash, s] of Object.entries(m.services)) {
    w.open('service', ` name="${hash}"`);
    w.leaf('name', s.name);
    w.leaf('pkg', s.pkg ?? '');
    w.leaf('type', s.type);
    mappings(w, 'dependsOn', s.dependsOn);
    mappings(w, 'connectsTo', s.connectsTo);
    w.open('providesContainers');
    for (const [c, props] of Object.entries(s.providesContainers ?? {})) typed(w, 'container', props, ` name="${escapeAttr(c)}"`);
    w.close('providesContainers');
    w.close('service');
  }
  w.close('services');
  w.open('infrastructure');
  for (const [name, t] of Object.entries(m.infrastructure)) {
    w.open('target', ` name="${escapeAttr(name)}"`);
    typed(w, 'properties', t.properties);
    w.open('containers');
    for (const [c, props] of Object.entries(t.containers)) typed(w, 'container', props, ` name="${escapeAttr(c)}"`);
    w.close('containers');
    w.leaf('system', t.system);
    w.leaf('numOfCores', String(t.numOfCores));
    w.leaf('clientInterface', t.clientInterface);
    w.leaf('targetProperty', t.targetProperty);
    w.close('target');
  }
  w.close('infrastructure');
  mappings(w, 'serviceMappings', m.serviceMappings);
  mappings(w, 'snapshotMappings', m.snapshotMappings);
  // Ours, which Disnix's readers pass over: what each profile holds, package services included
  // (they have no mapping to tell), so that dnx reads its own manifest back as it was.
  w.open('profilePackages');
  for (const [name, p] of Object.entries(m.profiles)) {
    w.open('profile', ` name="${escapeAttr(name)}"`);
    for (const pkg of p.packages) w.leaf('package', pkg ?? '');
    w.close('profile');
  }
  w.close('profilePackages');
  w.close('manifest');
  return w.toString();
}
