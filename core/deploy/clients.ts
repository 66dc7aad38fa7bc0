// Which transport reaches a target: from its `clientInterface` (or `--interface`). The address is the target property `targetProperty` names (`hostname` by default).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transportOf } from '../model/client-interface';
import type { ManifestTarget } from '../plan/types';
import { DeployError } from './errors';
import type { TargetClient, TargetLog } from './transport';
import { SshConfig } from './ssh/config';
import { ExecClient } from './transports/exec';
import { LocalClient } from './transports/local';
import { SoapClient } from './transports/soap';
import { DEFAULT_REMOTE_AGENT, SshClient } from './transports/ssh';

export interface ClientOptions {
  /** How to start our agent: `[node, .../agent.js]`. */
  agentCommand: string[];
  /** Local targets keep their state in `<localTargetsDir>/<target>`. */
  localTargetsDir: string;
  /** `--interface`: one client interface for every target. */
  clientInterface?: string;
  /** `--target-property`: the property holding each target's address. */
  targetProperty?: string;
  /** The SSH client configuration file (default `~/.ssh/config`). */
  sshConfigFile?: string;
  /** The agent's command on SSH targets, as words (default `dnx-agent`). */
  remoteAgent?: string[];
  /** How SOAP targets are reached: credentials, a CA file to trust instead of the system's, a client certificate. */
  soap?: SoapSettings;
  log: TargetLog;
}

/**
 * Client options from the environment: `DNX_SSH_CONFIG` and `DNX_REMOTE_AGENT`; for SOAP
 * targets `DISNIX_SOAP_CLIENT_USERNAME` and `_PASSWORD` (as the Java client reads them) and
 * `DNX_SOAP_CA_FILE`, `DNX_SOAP_CLIENT_CERT` and `DNX_SOAP_CLIENT_KEY`.
 */
export function transportOptionsFromEnv(env: NodeJS.ProcessEnv): Pick<ClientOptions, 'sshConfigFile' | 'remoteAgent' | 'soap'> {
  const words = env.DNX_REMOTE_AGENT?.trim().split(/\s+/).filter(Boolean);
  return {
    sshConfigFile: env.DNX_SSH_CONFIG || undefined,
    remoteAgent: words && words.length > 0 ? words : undefined,
    soap: {
      username: env.DISNIX_SOAP_CLIENT_USERNAME || undefined,
      password: env.DISNIX_SOAP_CLIENT_PASSWORD,
      caFile: env.DNX_SOAP_CA_FILE || undefined,
      certFile: env.DNX_SOAP_CLIENT_CERT || undefined,
      keyFile: env.DNX_SOAP_CLIENT_KEY || undefined,
    },
  };
}

/** Makes each target's client once, on first use. */
export class Clients {
  private readonly made = new Map<string, TargetClient>();
  private readonly infrastructure: Record<string, ManifestTarget>;
  private sshConfig?: SshConfig;

  constructor(
    infrastructure: Record<string, ManifestTarget>,
    private readonly options: ClientOptions,
  ) {
    this.infrastructure = { ...infrastructure };
  }

  /** Makes the targets of `more` reachable too; a target known already keeps how it is reached. */
  add(more: Record<string, ManifestTarget>): void {
    for (const [name, target] of Object.entries(more)) this.infrastructure[name] ??= target;
  }

  /** Adds `more` and starts connecting to its targets while the coordinator does other work (building, say). */
  prepare(more: Record<string, ManifestTarget>): void {
    this.add(more);
    for (const name of Object.keys(more)) {
      try {
        this.get(name).prepare?.();
      } catch {
        // A target that cannot be reached as configured is reported when it is used.
      }
    }
  }

  get(target: string): TargetClient {
    let c = this.made.get(target);
    if (!c) this.made.set(target, (c = this.make(target)));
    return c;
  }

  private make(name: string): TargetClient {
    const t = this.infrastructure[name];
    if (!t) throw new DeployError(`target '${name}' is not in the infrastructure`);
    const iface = this.options.clientInterface ?? t.clientInterface;
    const kind = transportOf(iface);
    if (kind === 'local') return new LocalClient(name, join(this.options.localTargetsDir, name), this.options.agentCommand, this.options.log);
    const property = this.options.targetProperty ?? t.targetProperty;
    const address = t.properties[property];
    if (typeof address !== 'string' || address === '') throw new DeployError(`target '${name}' has no address: its property '${property}' (the targetProperty) is not set`);
    if (kind === 'soap') return soapClient(name, address, this.options.soap, this.options.log);
    if (kind === 'ssh') {
      this.sshConfig ??= SshConfig.load(this.options.sshConfigFile);
      return new SshClient(name, address, { config: this.sshConfig, remoteAgent: this.options.remoteAgent ?? [DEFAULT_REMOTE_AGENT], log: this.options.log });
    }
    return new ExecClient(name, iface, address, this.options.log);
  }

  async close(): Promise<void> {
    await Promise.all([...this.made.values()].map((c) => c.close()));
  }
}

export interface SoapSettings {
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** The client of the SOAP target `name` at `endpoint`, with the credentials and files of `soap`. */
export function soapClient(name: string, endpoint: string, soap: SoapSettings | undefined, log: TargetLog): SoapClient {
  const { username, password, caFile, certFile, keyFile } = soap ?? {};
  if (!!certFile !== !!keyFile) throw new DeployError('a client certificate for SOAP targets needs both DNX_SOAP_CLIENT_CERT and DNX_SOAP_CLIENT_KEY');
  const read = (file: string | undefined, what: string) => {
    try {
      return file ? readFileSync(file) : undefined;
    } catch (e) {
      throw new DeployError(`cannot read the ${what} for SOAP targets: ${(e as Error).message}`);
    }
  };
  return new SoapClient(name, endpoint, { username, password, ca: read(caFile, 'CA file (DNX_SOAP_CA_FILE)'), cert: read(certFile, 'client certificate (DNX_SOAP_CLIENT_CERT)'), key: read(keyFile, 'client key (DNX_SOAP_CLIENT_KEY)'), log });
}
