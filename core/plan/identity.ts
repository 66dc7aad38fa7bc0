// The service identity of §2.2: the SHA-256 of `builtins.toXML { name, type, pkg, dependsOn }`,
// and the manifest's identities computed again once builds are known. The XML is written out directly (the same bytes Nix's toXML gives, checked against real Nix in the
// tests) because a manifest of 10,000 services hashes each of them.

import { createHash } from 'node:crypto';
import { escapeAttr } from '../nix/builtins/xml';
import type { DependencyMapping, Manifest, ManifestService } from './types';

export interface IdentityInput {
  name: string;
  type: string;
  /** `null` while the build is unknown: the hash is then provisional. */
  pkg: string | null;
  dependsOn: DependencyMapping[];
}

const str = (indent: string, name: string, value: string) =>
  `${indent}<attr name="${name}">\n${indent}  <string value="${escapeAttr(value)}" />\n${indent}</attr>\n`;

export function identityXml(s: IdentityInput): string {
  let xml = "<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    <attr name=\"dependsOn\">\n      <list>\n";
  for (const d of s.dependsOn) {
    xml += '        <attrs>\n';
    xml += str('          ', 'container', d.container) + str('          ', 'service', d.service) + str('          ', 'target', d.target);
    xml += '        </attrs>\n';
  }
  xml += '      </list>\n    </attr>\n';
  xml += str('    ', 'name', s.name) + str('    ', 'pkg', s.pkg ?? '') + str('    ', 'type', s.type);
  return `${xml}  </attrs>\n</expr>\n`;
}

export function serviceHash(s: IdentityInput): string {
  return createHash('sha256').update(identityXml(s)).digest('hex');
}

/**
 * The manifest with some builds now known (`pkgs`: service hash to store path) and every
 * identity resting on them computed again: the services built and, along dependsOn, their
 * dependents; mappings follow. Profiles are left as they are: a deployment builds them.
 */
export function withBuilds(m: Manifest, pkgs: ReadonlyMap<string, string>): Manifest {
  const rekeyed = new Map<string, string>();
  const services: Record<string, ManifestService> = {};
  const visit = (hash: string): string => {
    const known = rekeyed.get(hash);
    if (known !== undefined) return known;
    rekeyed.set(hash, hash);
    const s = m.services[hash];
    if (!s) return hash;
    const dependsOn = s.dependsOn.map((d) => ({ ...d, service: visit(d.service) }));
    const pkg = pkgs.get(hash) ?? s.pkg;
    const key = serviceHash({ name: s.name, type: s.type, pkg, dependsOn });
    rekeyed.set(hash, key);
    services[key] = { ...s, pkg, dependsOn };
    return key;
  };
  for (const hash of Object.keys(m.services)) visit(hash);
  const follow = <T extends DependencyMapping & { containerProvidedByService?: string }>(x: T): T => ({
    ...x,
    service: rekeyed.get(x.service) ?? x.service,
    ...(x.containerProvidedByService ? { containerProvidedByService: rekeyed.get(x.containerProvidedByService) ?? x.containerProvidedByService } : {}),
  });
  for (const s of Object.values(services)) s.connectsTo = s.connectsTo.map(follow);
  const component = (pkg: string | null) => (pkg === null ? null : pkg.slice(pkg.lastIndexOf('/') + 1).slice(33));
  return {
    ...m,
    services,
    serviceMappings: m.serviceMappings.map(follow),
    snapshotMappings: m.snapshotMappings.map((x) => {
      const moved = follow(x);
      return { ...moved, component: component(services[moved.service]?.pkg ?? null) ?? x.component };
    }),
  };
}
