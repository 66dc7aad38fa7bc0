// Snippets of whole model entries, offered only where such an entry can start: a service in
// the services model's set, a target in the infrastructure's, a mapping with a container in the
// distribution's, and a whole model in an empty file. The language server offers them, so they
// do not pop up inside a dependsOn set as static snippets would.

import type { ModelRole } from '../model/roles';

export interface Snippet {
  prefix: string;
  description: string;
  /** VS Code's snippet syntax: `${1:name}` placeholders, `$0` the final cursor. */
  body: string;
}

const lines = (...l: string[]) => l.join('\n');
const TYPES = 'process,wrapper,echo,fileset,apache-webapplication,tomcat-webapplication,mysql-database,postgresql-database,package';

/** The entries a model's top-level set takes. */
export const ENTRY_SNIPPETS: Partial<Record<ModelRole, Snippet[]>> = {
  services: [
    {
      prefix: 'service',
      description: 'A service in the services model',
      body: lines('${1:name} = {', '  name = "${1:name}";', '  pkg = customPkgs.${1:name};', '  dependsOn = {', '    ${2}', '  };', `  type = "\${3|${TYPES}|}";`, '};'),
    },
  ],
  infrastructure: [
    {
      prefix: 'target',
      description: 'A machine in the infrastructure model',
      body: lines('${1:test1} = {', '  properties = {', '    hostname = "${2:$1}";', '  };', '  containers = {', '    ${3:process} = { };', '  };', '  system = "${4:x86_64-linux}";', '  numOfCores = ${5:1};', '};'),
    },
  ],
  distribution: [
    {
      prefix: 'mapping-container',
      description: 'Map a service to a target and a specific container',
      body: lines('${1:service} = {', '  targets = [', '    { target = infrastructure.${2:test1}; container = "${3:container}"; }', '  ];', '};'),
    },
  ],
};

/** A whole model, for an empty file of that role. */
export const MODEL_SNIPPETS: Partial<Record<ModelRole, Snippet>> = {
  services: {
    prefix: 'services-model',
    description: 'A whole services model (services.nix)',
    body: lines(
      '{ system, pkgs, distribution, invDistribution }:',
      '',
      'let',
      '  customPkgs = import ${1:../top-level/all-packages.nix} {',
      '    inherit system pkgs;',
      '  };',
      'in',
      'rec {',
      '  ${2:service} = {',
      '    name = "${2:service}";',
      '    pkg = customPkgs.${2:service};',
      '    dependsOn = { };',
      '    type = "${3:process}";',
      '  };',
      '  $0',
      '}',
    ),
  },
  infrastructure: {
    prefix: 'infrastructure-model',
    description: 'A whole infrastructure model (infrastructure.nix)',
    body: lines('{', '  ${1:test1} = {', '    properties = {', '      hostname = "${2:$1}";', '    };', '    containers = { };', '  };', '  $0', '}'),
  },
  distribution: {
    prefix: 'distribution-model',
    description: 'A whole distribution model (distribution.nix)',
    body: lines('{ infrastructure }:', '', '{', '  ${1:service} = [ infrastructure.${2:test1} ];', '  $0', '}'),
  },
};
