// The one description of the model attributes. Loading (defaults), validation (required
// attributes, near-miss names), the builds (which attributes are Disnix's own), completion
// (names, documentation, where values come from) and hover all read it.

import type { DiagnosticCode } from '../diagnostic-codes';

/** `mapping`: a service's entry in the distribution; `targetMapping`: one `{ target; container; }` in its `targets`. */
export type ModelPart = 'service' | 'target' | 'mapping' | 'targetMapping';

/** Where completions for an attribute's value come from. */
export type CompletionSource = 'services' | 'targets' | 'types' | 'containers' | 'properties' | 'interfaces';

export type AttributeKind = 'string' | 'bool' | 'set';

export interface AttributeSchema {
  name: string;
  part: ModelPart;
  /** What the value is, as a person reads it. */
  valueType: string;
  /** What the value must evaluate to, where loading checks it (a wrong one is reported at the value). */
  kind?: AttributeKind;
  required?: boolean;
  /** What a missing required attribute is reported as, and why it is needed (`{key}`: the service's name). */
  missing?: { code: DiagnosticCode; why: string };
  /** The default as a person reads it, when it is not a plain value (`defaultValue`). */
  default?: string;
  /** The value Disnix uses when the attribute is absent. */
  defaultValue?: string | number | boolean;
  /** One of Disnix's own service attributes: never a container property of a providing service. */
  reserved?: boolean;
  /** What the deployment is made of: a misspelling of it silently drops a part of the deployment, so it is a warning. */
  structural?: boolean;
  doc: string;
  completion?: CompletionSource;
}

export const attributes: readonly AttributeSchema[] = [
  { part: 'service', name: 'name', kind: 'string', valueType: 'string', required: true, missing: { code: 'name-missing', why: 'Disnix requires name = "{key}"' }, reserved: true, doc: 'The service name; must equal the attribute name the service is defined under.' },
  { part: 'service', name: 'pkg', structural: true, valueType: 'derivation, or a function of the inter-dependencies', required: true, missing: { code: 'pkg-missing', why: 'it says how the service is built' }, reserved: true, doc: 'How the service is built. A service with `dependsOn` or `connectsTo` gets a function called with those dependencies; without them, the build itself.' },
  { part: 'service', name: 'type', structural: true, kind: 'string', valueType: 'string', required: true, missing: { code: 'type-missing', why: 'the Dysnomia module that activates it' }, reserved: true, doc: 'The Dysnomia module that activates the service, and the default container it is deployed into. `package` services are only installed in the target profile, never activated.', completion: 'types' },
  { part: 'service', name: 'dependsOn', structural: true, valueType: 'attribute set of services', default: '{ }', reserved: true, doc: 'Inter-dependencies: passed to the build and activated before this service. The key is the parameter name, so `{ db = otherDb; }` aliases.', completion: 'services' },
  { part: 'service', name: 'connectsTo', structural: true, valueType: 'attribute set of services', default: '{ }', reserved: true, doc: 'Like `dependsOn`, passed to the build, but without an activation order; cycles are allowed.', completion: 'services' },
  { part: 'service', name: 'activatesAfter', structural: true, valueType: 'attribute set of services', default: '{ }', reserved: true, doc: 'Activation order only: activated after these services, which are not passed to the build.', completion: 'services' },
  { part: 'service', name: 'deployState', kind: 'bool', valueType: 'bool', defaultValue: false, reserved: true, doc: 'Migrate the service state (snapshot and restore) when the service moves to another target.' },
  { part: 'service', name: 'providesContainers', kind: 'set', valueType: 'attribute set of container properties', reserved: true, doc: 'Containers this service provides to other services on the same target, by name.' },
  { part: 'service', name: 'providesContainer', kind: 'string', valueType: 'string', reserved: true, doc: 'Shorthand: the name of one container this service provides; its properties are the service\'s own non-reserved attributes.' },
  { part: 'service', name: 'targets', structural: true, valueType: 'list of targets', reserved: true, doc: 'Where the service is deployed: filled in from the distribution model; set by hand in an architecture model.', completion: 'targets' },

  { part: 'target', name: 'properties', structural: true, kind: 'set', valueType: 'attribute set', required: true, doc: 'Properties of the machine; must contain the connection address named by `targetProperty` (`hostname` by default).', completion: 'properties' },
  { part: 'target', name: 'containers', structural: true, kind: 'set', valueType: 'attribute set of container properties', doc: 'Containers on the machine (Dysnomia container names), each with its properties.', completion: 'containers' },
  { part: 'target', name: 'system', kind: 'string', valueType: 'string', default: 'the system of the machine deploying', doc: 'The machine\'s system, such as `x86_64-linux`; services are built for it.' },
  { part: 'target', name: 'numOfCores', valueType: 'positive integer', defaultValue: 1, doc: 'How many activation or deactivation jobs may run at once on this machine.' },
  { part: 'target', name: 'clientInterface', kind: 'string', valueType: 'string', defaultValue: 'disnix-ssh-client', doc: 'The program that reaches this machine, such as `disnix-ssh-client` or `disnix-soap-client`.', completion: 'interfaces' },
  { part: 'target', name: 'targetProperty', kind: 'string', valueType: 'string', defaultValue: 'hostname', doc: 'Which property in `properties` holds the connection address.', completion: 'properties' },

  { part: 'mapping', name: 'targets', valueType: 'list of { target; container; }', required: true, doc: 'The targets of the service, each with an optional container (the service type by default).' },
  { part: 'targetMapping', name: 'target', valueType: 'target', required: true, doc: 'A target from the infrastructure model.', completion: 'targets' },
  { part: 'targetMapping', name: 'container', kind: 'string', valueType: 'string', default: 'the service type', doc: 'The container on the target that the service is deployed into.', completion: 'containers' },
];

export function attributesOf(part: ModelPart): AttributeSchema[] {
  return attributes.filter((a) => a.part === part);
}

export function attributeSchema(part: ModelPart, name: string): AttributeSchema | undefined {
  return attributes.find((a) => a.part === part && a.name === name);
}

/** The default of an attribute that has a plain one, as data. */
function defaultValueOf<T extends string | number | boolean>(part: ModelPart, name: string): T {
  const v = attributeSchema(part, name)?.defaultValue;
  if (v === undefined) throw new Error(`the schema gives ${part} attribute '${name}' no default`);
  return v as T;
}

/** How a default reads in documentation: the value as written in Nix, or the words for it. */
export function defaultText(a: AttributeSchema): string | undefined {
  return a.default ?? (a.defaultValue === undefined ? undefined : JSON.stringify(a.defaultValue));
}

export const DEFAULT_TARGET_PROPERTY = defaultValueOf<string>('target', 'targetProperty');
export const DEFAULT_CLIENT_INTERFACE = defaultValueOf<string>('target', 'clientInterface');
export const DEFAULT_NUM_OF_CORES = defaultValueOf<number>('target', 'numOfCores');

/** Disnix's own service attributes, which are never a providing service's container properties. */
export const RESERVED_SERVICE_ATTRIBUTES: readonly string[] = attributes.filter((a) => a.part === 'service' && a.reserved).map((a) => a.name);

/** The client interfaces Disnix ships, for `clientInterface`. */
export const clientInterfaces = ['disnix-ssh-client', 'disnix-soap-client', 'disnix-client'];

/** The Dysnomia modules a `type` may name, with what each activates. */
export const dysnomiaTypes: ReadonlyMap<string, string> = new Map([
  ['echo', 'Prints the activity and its environment; for testing.'],
  ['process', 'A daemon started from the single executable in `bin/`.'],
  ['wrapper', 'Runs `bin/wrapper <activity>` of the component.'],
  ['fileset', 'A set of files copied into a directory.'],
  ['package', 'Installed into the target profile only, never activated.'],
  ['systemd-unit', 'systemd units linked into the mutable unit directory.'],
  ['sysvinit-script', 'A System V init script.'],
  ['bsdrc-script', 'A BSD rc script.'],
  ['launchd-daemon', 'A launchd daemon (macOS).'],
  ['supervisord-program', 'A supervisord program.'],
  ['s6-rc-service', 'An s6-rc service.'],
  ['cygrunsrv-service', 'A Cygwin service.'],
  ['docker-container', 'A Docker container.'],
  ['managed-process', 'A process described for any process manager.'],
  ['xinetd-service', 'An xinetd service.'],
  ['apache-webapplication', 'Files for Apache\'s document root.'],
  ['nginx-webapplication', 'Files for nginx.'],
  ['tomcat-webapplication', 'A web application archive for Apache Tomcat.'],
  ['axis2-webservice', 'An Axis2 web service archive.'],
  ['iis-webapplication', 'A web application for IIS.'],
  ['mysql-database', 'A MySQL database created from the SQL dump of the component.'],
  ['postgresql-database', 'A PostgreSQL database.'],
  ['mongo-database', 'A MongoDB database.'],
  ['mssql-database', 'A SQL Server database.'],
  ['influx-database', 'An InfluxDB database.'],
  ['ejabberd-dump', 'An ejabberd database dump.'],
  ['subversion-repository', 'A Subversion repository.'],
  ['nixos-configuration', 'A NixOS configuration the machine switches to.'],
]);

