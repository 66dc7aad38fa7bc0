// Reading Disnix's manifest version 2 XML (../shared/reference/disnix.md §2.1): what
// `disnix-manifest` writes and `disnix-env` keeps as coordinator generations, and what
// `dnx manifest --xml` writes (./manifest-xml.ts). A project deployed with Disnix moves to dnx
// from what Disnix deployed. The XML names each target's profile but not the packages in it:
// those are the builds of the services mapped there.

import { DOMParser, type Element } from '@xmldom/xmldom';
import type { DependencyMapping, JsonValue, Manifest, ManifestService, ManifestTarget, ServiceMapping, SnapshotMapping } from './types';

export class ManifestXmlError extends Error {}

const children = (e: Element, tag?: string): Element[] => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1 && (tag === undefined || (n as Element).tagName === tag));
const child = (e: Element, tag: string): Element | undefined => children(e, tag)[0];
const text = (e: Element | undefined): string => (e?.textContent ?? '').trim();

/** A typed value (NixXML: `type="string|int|float|bool|list|attrs"`, or none for null). */
function typed(e: Element): JsonValue {
  switch (e.getAttribute('type')) {
    case 'string':
      return e.textContent ?? '';
    case 'int':
    case 'float':
      return Number(text(e));
    case 'bool':
      return text(e) === 'true';
    case 'list':
      return children(e, 'elem').map(typed);
    case 'attrs':
      return Object.fromEntries(children(e, 'property').map((p) => [p.getAttribute('name') ?? '', typed(p)]));
    default:
      return null;
  }
}

function attrs(e: Element | undefined): Record<string, JsonValue> {
  const v = e ? typed(e) : {};
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function mappingsOf(e: Element | undefined): Record<string, string>[] {
  return e ? children(e, 'mapping').map((m) => Object.fromEntries(children(m).map((f) => [f.tagName, text(f)]))) : [];
}

const dependency = (m: Record<string, string>): DependencyMapping => ({ service: m.service, target: m.target, container: m.container });

export function manifestFromXml(xml: string): Manifest {
  const errors: string[] = [];
  let root: Element | null = null;
  try {
    root = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(xml, 'text/xml').documentElement;
  } catch (e) {
    errors.push((e as Error).message);
  }
  if (errors.length > 0 || !root || root.tagName !== 'manifest') throw new ManifestXmlError(`not a Disnix manifest${errors.length ? `: ${errors[0]}` : ''}`);
  const version = root.getAttribute('version');
  if (version !== '2') throw new ManifestXmlError(`a manifest of version ${version ?? '1'}: convert it with disnix-convert first`);

  const services: Record<string, ManifestService> = {};
  for (const s of children(child(root, 'services') ?? root, 'service')) {
    const provided = children(child(s, 'providesContainers') ?? s, 'container');
    services[s.getAttribute('name') ?? ''] = {
      name: text(child(s, 'name')),
      type: text(child(s, 'type')),
      pkg: text(child(s, 'pkg')) || null,
      dependsOn: mappingsOf(child(s, 'dependsOn')).map(dependency),
      connectsTo: mappingsOf(child(s, 'connectsTo')).map(dependency),
      ...(provided.length ? { providesContainers: Object.fromEntries(provided.map((c) => [c.getAttribute('name') ?? '', attrs(c)])) } : {}),
    };
  }
  const infrastructure: Record<string, ManifestTarget> = {};
  for (const t of children(child(root, 'infrastructure') ?? root, 'target')) {
    infrastructure[t.getAttribute('name') ?? ''] = {
      properties: attrs(child(t, 'properties')),
      containers: Object.fromEntries(children(child(t, 'containers') ?? t, 'container').map((c) => [c.getAttribute('name') ?? '', attrs(c)])),
      system: text(child(t, 'system')),
      numOfCores: Number(text(child(t, 'numOfCores')) || 1),
      clientInterface: text(child(t, 'clientInterface')),
      targetProperty: text(child(t, 'targetProperty')),
    };
  }
  const serviceMappings: ServiceMapping[] = mappingsOf(child(root, 'serviceMappings')).map((m) => ({ ...dependency(m), ...(m.containerProvidedByService ? { containerProvidedByService: m.containerProvidedByService } : {}) }));
  const snapshotMappings: SnapshotMapping[] = mappingsOf(child(root, 'snapshotMappings')).map((m) => ({
    ...dependency(m),
    ...(m.containerProvidedByService ? { containerProvidedByService: m.containerProvidedByService } : {}),
    component: m.component || null,
  }));
  // What each profile holds: as dnx wrote it, else (Disnix's own) the builds of the services mapped there.
  const written = new Map(children(child(root, 'profilePackages') ?? root, 'profile').map((p) => [p.getAttribute('name') ?? '', children(p, 'package').map((e) => text(e) || null)]));
  const profiles: Manifest['profiles'] = {};
  for (const p of children(child(root, 'profiles') ?? root, 'profile')) {
    const name = p.getAttribute('name') ?? '';
    const packages = written.get(name) ?? [...new Set(serviceMappings.filter((m) => m.target === name).map((m) => services[m.service]?.pkg ?? null))];
    profiles[name] = { ...(text(p) ? { path: text(p) } : {}), packages };
  }
  return { version: 2, profiles, services, infrastructure, serviceMappings, snapshotMappings };
}
