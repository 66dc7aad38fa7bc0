// What activating a service instance takes, from the manifest (../shared/reference/disnix.md
// §3.1): the module is the service's type, or the store path of the service providing its
// container; the arguments are that container's properties.

import type { ProfileManifest, ProfileService } from './profile-manifest';
import { containerArguments } from './protocol';
import { DeployError } from './errors';
import type { Manifest, ServiceMapping } from '../plan/types';

export function activationOf(manifest: Manifest, m: ServiceMapping): ProfileService {
  const s = manifest.services[m.service];
  if (!s) throw new DeployError(`the manifest maps an unknown service ${m.service} to ${m.target}`);
  if (s.pkg === null) throw new DeployError(`${s.name} has not been built`);
  let type = s.type;
  let props: Record<string, unknown>;
  if (m.containerProvidedByService) {
    const provider = manifest.services[m.containerProvidedByService];
    if (!provider?.pkg) throw new DeployError(`the service providing container '${m.container}' for ${s.name} has not been built`);
    type = provider.pkg;
    props = provider.providesContainers?.[m.container] ?? {};
  } else {
    props = manifest.infrastructure[m.target]?.containers[m.container] ?? {};
  }
  return { key: m.service, name: s.name, pkg: s.pkg, type, container: m.container, arguments: containerArguments(props) };
}

/** A target's part of the manifest, as it keeps it in its profile. */
export function profileManifestOf(manifest: Manifest, target: string): ProfileManifest {
  const services = manifest.serviceMappings.filter((m) => m.target === target).map((m) => activationOf(manifest, m));
  return { version: 1, target, services };
}
