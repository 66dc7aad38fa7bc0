// What the loader makes of models, as Disnix's normalisation would: defaults, containers,
// aliases, replicas, invDistribution, the architecture and packages models, and no false
// diagnostics on the idioms real models use.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyseDeployment, type AnalysisOptions } from '../../core/model/analyse';
import { buildManifest } from '../../core/plan/manifest';
import type { DeploymentFiles } from '../../core/model/types';
import { memoryFiles, ready } from '../helpers';

before(() => ready);

/** Analyses models held in memory; a file that is not given does not exist. */
function analyse(files: Record<string, string>, options: AnalysisOptions = {}) {
  const roles: DeploymentFiles = {};
  for (const role of ['services', 'infrastructure', 'distribution', 'packages', 'architecture'] as const) {
    if (files[`${role}.nix`] !== undefined) roles[role] = `/project/${role}.nix`;
  }
  return analyseDeployment(roles, { files: memoryFiles(Object.fromEntries(Object.entries(files).map(([name, text]) => [`/project/${name}`, text]))), ...options });
}

const codes = (r: ReturnType<typeof analyse>) => r.diagnostics.map((d) => `${d.code}@${d.loc.source.path.slice(9)}:${d.loc.source.position(d.loc.start).line + 1}`);

const infrastructure = `{
  test1 = { properties.hostname = "test1"; containers.process = { }; };
  test2 = { properties.hostname = "test2"; system = "aarch64-linux"; numOfCores = 4; clientInterface = "disnix-soap-client"; };
}`;

describe('model semantics', () => {
  it('accepts the idioms of real models without a diagnostic', () => {
    const r = analyse({
      'infrastructure.nix': `{
        test1 = { properties = { hostname = "test1"; password = builtins.readFile ./secret; }; };
        test2 = { properties.hostname = "test2"; };
      }`,
      // A generated mapping: every service on every machine.
      'distribution.nix': `{ infrastructure }:
        builtins.listToAttrs (map (name: { inherit name; value = map (t: infrastructure.\${t}) (builtins.attrNames infrastructure); }) [ "web" "db" ])
        // { proxy-test1 = [ infrastructure.test1 ]; }`,
      'services.nix': `{ system, pkgs, distribution, invDistribution }:
        let
          nixpkgs = import <nixpkgs> { };
          lib = pkgs.lib;
          customPkgs = pkgs.callPackage ./pkgs { };
        in rec {
          web = { name = "web"; pkg = customPkgs.web; type = "echo"; dependsOn = { inherit db; }; version = lib.version; };
          db = { name = "db"; pkg = nixpkgs.hello; type = "echo"; };
          # One proxy per machine, depending on what runs there (invDistribution).
          proxy-test1 = { name = "proxy-test1"; pkg = null; type = "echo"; dependsOn = removeAttrs invDistribution.test1.services [ "proxy-test1" ]; };
        }`,
    });
    assert.deepEqual(codes(r), []);
    assert.deepEqual(r.model.services.get('proxy-test1')!.dependsOn.map((d) => d.service), ['db', 'web']);
  });

  it("reads models in today's nixfmt style: one formal per line with a trailing comma, lone carriage returns", () => {
    const r = analyse({
      'infrastructure.nix': '{\r  test1 = { properties.hostname = "test1"; }; # a lone CR ends this comment\r}',
      'distribution.nix': '{\n  infrastructure,\n}:\n{\n  web = [ infrastructure.test1 ];\n}\n',
      'services.nix': '{\n  system,\n  pkgs,\n  distribution,\n  invDistribution,\n}:\n{\n  web = {\n    name = "web";\n    pkg = null;\n    type = "process";\n  };\n}\n',
    });
    assert.deepEqual(codes(r), []);
    assert.deepEqual([...r.model.services.keys()], ['web']);
  });

  it('takes a checkout beside the project that is not on this machine as unknown, said once; a missing file of the project stays an error', () => {
    const services = (extra = '') => `{ system, pkgs, distribution, invDistribution, nix-processmgmt ? ../nix-processmgmt }:
      let
        createManagedProcess = import "\${nix-processmgmt}/nixproc/create-managed-process/universal/create-managed-process-universal.nix" { inherit pkgs system; };
        sysvinit = import (nix-processmgmt + "/nixproc/backends/sysvinit") { };
      in {
        webapp = { name = "webapp"; pkg = createManagedProcess { name = "webapp"; foreground.start = "webapp"; }; type = "managed-process"; };
        init = { name = "init"; pkg = sysvinit.init; type = sysvinit.processType; };${extra}
      }`;
    const base = { 'infrastructure.nix': '{ test1 = { properties.hostname = "test1"; }; }', 'distribution.nix': '{ infrastructure }: { webapp = [ infrastructure.test1 ]; init = [ infrastructure.test1 ]; }' };
    const r = analyse({ ...base, 'services.nix': services() });
    assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.message]), [['information', 'unavailable-path', '../nix-processmgmt is not on this machine: what is built from it is not checked']]);
    assert.deepEqual([...r.model.services.keys()].sort(), ['init', 'webapp']);
    const own = analyse({ ...base, 'services.nix': services('\n        extra = import ./extra.nix;') });
    assert.ok(own.diagnostics.some((d) => d.severity === 'error' && /extra\.nix/.test(d.message)), 'a file of the project that is missing is an error');
  });

  it('defines services whose definition is not known (built with constructors from Nixpkgs): they may be mapped, depended on, and provide containers', () => {
    const r = analyse({
      'infrastructure.nix': '{ test1 = { properties.hostname = "test1"; containers.process = { }; }; }',
      'distribution.nix': `{ infrastructure }: {
        tomcat = [ infrastructure.test1 ];
        mysql = [ infrastructure.test1 ];
        app = { targets = [ { target = infrastructure.test1; container = "tomcat-webapplication-primary"; } ]; };
      }`,
      'services.nix': `{ system, pkgs, distribution, invDistribution }:
        let
          constructors = pkgs.disnix.constructors;
          applicationServices = {
            app = { name = "app"; pkg = { mysql }: pkgs.stdenv.mkDerivation { name = "app"; }; type = "tomcat-webapplication"; dependsOn = { inherit (infra) mysql; }; };
          };
          infra = rec {
            tomcat = constructors.simpleAppservingTomcat { name = "tomcat-webapplication-primary"; };
            mysql = constructors.mysql { name = "mysql"; port = 3306; };
          };
        in infra // applicationServices`,
    });
    assert.deepEqual(codes(r), []);
    assert.deepEqual([...r.model.services.keys()].sort(), ['app', 'mysql', 'tomcat']);
    assert.equal(r.model.services.get('tomcat')!.unknown, true);
    const { manifest, diagnostics } = buildManifest(r);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(manifest!.serviceMappings.length, 3);
  });

  it('takes two targets at one address for one machine, as Disnix does, unless a target property tells them apart', () => {
    const files = {
      // VirtualBox NAT: both machines at the host's address, each reached through its own forwarded port.
      'infrastructure.nix': '{ vm1 = { properties = { hostname = "10.0.2.2"; sshTarget = "localhost:2222"; }; }; vm2 = { properties = { hostname = "10.0.2.2"; sshTarget = "localhost:2223"; }; }; }',
      'distribution.nix': '{ infrastructure }: { web = [ infrastructure.vm2 ]; }',
      'services.nix': '{ system, pkgs, distribution, invDistribution }: { web = { name = "web"; pkg = null; type = "process"; }; }',
    };
    const byDefault = analyse(files);
    assert.deepEqual(byDefault.diagnostics.map((d) => `${d.severity} ${d.code}`), ['warning duplicate-target-address']);
    assert.match(byDefault.diagnostics[0].message, /deploys what is mapped to vm2 to vm1; set targetProperty = "sshTarget"/);
    assert.deepEqual(byDefault.model.distribution.get('web')!.targets.map((t) => t.target), ['vm1'], 'what is mapped to vm2 goes to vm1');
    // DISNIX_TARGET_PROPERTY or --target-property, as Disnix takes them.
    const bySsh = analyse(files, { targetDefaults: { targetProperty: 'sshTarget' } });
    assert.deepEqual(codes(bySsh), []);
    assert.deepEqual(bySsh.model.distribution.get('web')!.targets.map((t) => t.target), ['vm2']);
    assert.equal(bySsh.model.infrastructure.get('vm2')!.address, 'localhost:2223');
  });

  it('reads targets and services into plain data: properties, container properties, deployState', () => {
    const r = analyse({
      'infrastructure.nix': `{ test1 = { properties = { hostname = "test1"; port = 8080; tags = [ "a" ]; secret = builtins.readFile ./absent; }; containers.mysql-database = { mysqlPort = 3306; }; }; }`,
      'distribution.nix': '{ infrastructure }: { db = [ infrastructure.test1 ]; }',
      'services.nix': '{ system, pkgs, distribution, invDistribution }: { db = { name = "db"; pkg = null; type = "mysql-database"; deployState = true; }; }',
    });
    const t = r.model.infrastructure.get('test1')!;
    assert.deepEqual(Object.fromEntries([...t.properties].map(([k, p]) => [k, p.value])), { hostname: 'test1', port: 8080, secret: undefined, tags: ['a'] }, 'what is not known here is undefined');
    assert.deepEqual(Object.fromEntries([...t.containers!].map(([k, c]) => [k, c.value])), { 'mysql-database': { mysqlPort: 3306 } });
    assert.equal(r.model.services.get('db')!.deployState, true);
    assert.deepEqual(codes(r), []);
  });

  it('checks the kind of every attribute the schema types, at the value', () => {
    const r = analyse({
      'infrastructure.nix': '{ test1 = { properties.hostname = "test1"; containers = [ ]; system = 64; }; }',
      'distribution.nix': '{ infrastructure }: { db = [ infrastructure.test1 ]; }',
      'services.nix': '{ system, pkgs, distribution, invDistribution }: { db = { name = "db"; pkg = null; type = "process"; deployState = "yes"; providesContainers = [ "x" ]; }; }',
    });
    assert.deepEqual(
      r.diagnostics.map((d) => [d.code, d.message]),
      [
        ['eval-error', 'containers must be an attribute set, not a list'],
        ['eval-error', 'system must be a string, not an integer'],
        ['eval-error', 'deployState must be a Boolean, not a string'],
        ['eval-error', 'providesContainers must be an attribute set, not a list'],
      ],
    );
  });

  it('reports every required service attribute that is missing, at the service, from the schema', () => {
    const r = analyse({
      'infrastructure.nix': '{ test1 = { properties.hostname = "test1"; }; }',
      'distribution.nix': '{ infrastructure }: { a = [ infrastructure.test1 ]; b = [ infrastructure.test1 ]; }',
      'services.nix': `{ system, pkgs, distribution, invDistribution }: {
        a = { name = "a"; type = "echo"; };
        b = { pkg = null; };
      }`,
    });
    const at = (d: { loc: { source: { position(o: number): { line: number } }; start: number } }) => d.loc.source.position(d.loc.start).line;
    assert.deepEqual(
      r.diagnostics.filter((d) => d.code.endsWith('-missing')).map((d) => [d.code, at(d), d.message]),
      [
        ['pkg-missing', 1, "service 'a' has no pkg: it says how the service is built"],
        ['name-missing', 2, `service 'b' has no name: Disnix requires name = "b"`],
        ['type-missing', 2, "service 'b' has no type: the Dysnomia module that activates it"],
      ],
    );
  });

  it('reads models generated without any source location', () => {
    const r = analyse({
      'infrastructure.nix': 'builtins.listToAttrs [ { name = "test1"; value = { properties.hostname = "test1"; }; } ]',
      'distribution.nix': '{ infrastructure }: builtins.listToAttrs (map (name: { inherit name; value = [ infrastructure.test1 ]; }) [ "a" "b" ])',
      'services.nix': '{ system, pkgs, distribution, invDistribution }: builtins.mapAttrs (name: _: { inherit name; pkg = null; type = "bogus"; }) distribution',
    });
    assert.deepEqual(codes(r), ['unknown-type@services.nix:1', 'unknown-type@services.nix:1']);
    assert.deepEqual([...r.model.distribution.keys()], ['a', 'b']);
  });

  it('never forces pkg', () => {
    const r = analyse({
      'infrastructure.nix': infrastructure,
      'distribution.nix': '{ infrastructure }: { a = [ infrastructure.test1 ]; }',
      'services.nix': '{ system, pkgs, distribution, invDistribution }: { a = { name = "a"; type = "process"; pkg = throw "never built here"; }; }',
    });
    assert.deepEqual(codes(r), []);
  });

  it('fills in the target defaults', () => {
    const r = analyse({ 'infrastructure.nix': infrastructure, 'distribution.nix': '{ infrastructure }: { }', 'services.nix': '{ system, pkgs, distribution, invDistribution }: { }' });
    const t1 = r.model.infrastructure.get('test1')!;
    const t2 = r.model.infrastructure.get('test2')!;
    assert.deepEqual([t1.numOfCores.value, t1.clientInterface, t1.targetProperty.value, t1.address, t1.system], [1n, 'disnix-ssh-client', 'hostname', 'test1', r.evaluator.currentSystem]);
    assert.deepEqual([t2.numOfCores.value, t2.clientInterface, t2.system], [4n, 'disnix-soap-client', 'aarch64-linux']);
  });

  it('maps containers: the type by default, a provider on the same target first', () => {
    const r = analyse({
      'infrastructure.nix': infrastructure,
      'distribution.nix': `{ infrastructure }: {
        app = { targets = [ { target = infrastructure.test1; } { target = infrastructure.test2; container = "tomcat-webapplication"; } ]; };
        tomcat = [ infrastructure.test2 ];
      }`,
      'services.nix': `{ system, pkgs, distribution, invDistribution }: {
        app = { name = "app"; pkg = null; type = "process"; };
        tomcat = { name = "tomcat"; pkg = null; type = "process"; providesContainers.tomcat-webapplication = { tomcatPort = 8080; }; };
      }`,
    });
    assert.deepEqual(codes(r), []);
    const [onTest1, onTest2] = r.model.distribution.get('app')!.targets;
    assert.deepEqual([onTest1.target, onTest1.container, onTest1.containerProvidedByService], ['test1', 'process', undefined]);
    assert.deepEqual([onTest2.target, onTest2.container, onTest2.containerProvidedByService], ['test2', 'tomcat-webapplication', 'tomcat']);
    assert.deepEqual(r.model.services.get('app')!.activatesAfter.map((d) => d.service), ['tomcat']);
  });

  it('resolves aliases by name, and dependencies bound to some replicas', () => {
    const r = analyse({
      'infrastructure.nix': infrastructure,
      'distribution.nix': '{ infrastructure }: { web = [ infrastructure.test1 ]; db = [ infrastructure.test1 infrastructure.test2 ]; }',
      'services.nix': `{ system, pkgs, distribution, invDistribution }: rec {
        db = { name = "db"; pkg = null; type = "process"; };
        web = { name = "web"; pkg = null; type = "process"; dependsOn = { database = db // { targets = [ (builtins.head distribution.db) ]; }; }; };
      }`,
    });
    assert.deepEqual(codes(r), []);
    const [dep] = r.model.services.get('web')!.dependsOn;
    assert.deepEqual([dep.param, dep.service, dep.targets], ['database', 'db', ['test1']]);
  });

  it('finds a target by its address when the mapping modifies the set (as Disnix does)', () => {
    const r = analyse({
      'infrastructure.nix': infrastructure,
      'distribution.nix': '{ infrastructure }: { a = [ (infrastructure.test2 // { extra = 1; }) ]; }',
      'services.nix': '{ system, pkgs, distribution, invDistribution }: { a = { name = "a"; pkg = null; type = "process"; }; }',
    });
    assert.deepEqual(codes(r), []);
    assert.equal(r.model.distribution.get('a')!.targets[0].target, 'test2');
  });

  it('reads an architecture model (-A) and a packages model (-P)', () => {
    const r = analyse({
      'architecture.nix': `{ system, pkgs }: rec {
        infrastructure = { test1.properties.hostname = "test1"; };
        services = rec {
          db = { name = "db"; pkg = null; type = "echo"; targets = [ infrastructure.test1 ]; };
          web = { name = "web"; pkg = null; type = "echo"; dependsOn = { inherit db; }; targets = [ { target = infrastructure.test1; container = "echo"; } ]; };
        };
      }`,
      'packages.nix': '{ pkgs, system }: { test1 = [ pkgs.hello ]; test9 = [ ]; }',
    });
    assert.deepEqual(codes(r), ['unknown-target@packages.nix:1']);
    assert.deepEqual([...r.model.distribution.keys()], ['db', 'web']);
    assert.deepEqual(r.model.distribution.get('web')!.targets.map((t) => [t.target, t.container]), [['test1', 'echo']]);
  });

  it('passes --extra-params to the functions that ask for them', () => {
    const r = analyse(
      {
        'infrastructure.nix': infrastructure,
        'distribution.nix': '{ infrastructure, where }: { a = [ infrastructure.${where} ]; }',
        'services.nix': '{ system, pkgs, distribution, invDistribution, port ? 80 }: { a = { name = "a"; pkg = null; type = "process"; inherit port; }; }',
      },
      { extraParams: new Map([['where', 'test2']]) },
    );
    assert.deepEqual(codes(r), []);
    assert.equal(r.model.distribution.get('a')!.targets[0].target, 'test2');
  });

  it('leaves out the codes the user silenced', () => {
    const files = {
      'infrastructure.nix': infrastructure,
      'distribution.nix': '{ infrastructure }: { }',
      'services.nix': '{ system, pkgs, distribution, invDistribution }: { a = { name = "a"; pkg = null; type = "procss"; }; }',
    };
    assert.deepEqual(codes(analyse(files)), ['service-not-distributed@services.nix:1', 'unknown-type@services.nix:1']);
    assert.deepEqual(codes(analyse(files, { ignore: ['unknown-type', 'service-not-distributed'] })), []);
  });

  it('reports a model of the wrong shape at the file', () => {
    const r = analyse({ 'infrastructure.nix': '[ ]', 'distribution.nix': '{ infrastructure }: { }', 'services.nix': '{ ... }: { }' });
    assert.deepEqual(codes(r), ['invalid-model@infrastructure.nix:1']);
  });
});
