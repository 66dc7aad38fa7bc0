// The service identity of §2.2: the SHA-256 of `builtins.toXML { name, type, pkg, dependsOn }`.
// Written out directly (the same bytes Nix's toXML gives, checked against real Nix in the
// tests) because a manifest of 10,000 services hashes each of them.

import { createHash } from 'node:crypto';
import { escapeAttr } from '../nix/builtins/xml';
import type { DependencyMapping } from './types';

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
