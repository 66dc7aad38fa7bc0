// The manifest, rule by rule (../shared/reference/disnix.md §1.8, §2): identity hashes and
// their cascade, containers and their providers, replicas, activatesAfter, package services,
// snapshot mappings, target systems, profiles; and agreement with real Nix.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyseDeployment } from '../../core/model/analyse';
import { toXml } from '../../core/nix/builtins/xml';
import { Evaluator } from '../../core/nix/eval';
import { identityXml, serviceHash, withBuilds } from '../../core/plan/identity';
import { buildManifest } from '../../core/plan/manifest';
import { ready } from '../helpers';
import { hashOf, manifest, manifestOf, twoTargets } from './fixture';

const root = join(__dirname, '..', '..', '..');
const hasNix = spawnSync('nix-instantiate', ['--version']).status === 0;

const chain = (bPort: number, bTarget = 'test1') => ({
  services: `
  B = { name = "B"; type = "process"; pkg = drv "b" "echo ${bPort} > $out"; };
  A = { name = "A"; type = "process"; dependsOn = { inherit B; }; pkg = { B }: drv "a" "echo \${B.target.properties.hostname} > $out"; };
  C = { name = "C"; type = "process"; connectsTo = { inherit B; }; pkg = { B }: drv "c" "echo \${B.target.properties.hostname} > $out"; };`,
  infrastructure: twoTargets,
  distribution: `{ B = [ infrastructure.${bTarget} ]; A = [ infrastructure.test1 ]; C = [ infrastructure.test2 ]; }`,
});

describe('manifest', () => {
  it('computes the store paths and identity hashes real Nix computes for hello-world', { skip: !hasNix && 'nix-instantiate is not installed' }, async () => {
    await ready;
    const dir = join(root, 'examples', 'hello-world');
    const m = buildManifest(analyseDeployment({ services: join(dir, 'services.nix'), infrastructure: join(dir, 'infrastructure.nix'), distribution: join(dir, 'distribution.nix') })).manifest!;
    const nix = (expr: string) => JSON.parse(spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { cwd: dir, encoding: 'utf8' }).stdout);
    const pkgs = 'import ./pkgs { system = "x86_64-linux"; pkgs = null; }';
    assert.equal(m.services[hashOf(m, 'HelloService')].pkg, nix(`(${pkgs}).HelloService.outPath`));
    assert.equal(m.services[hashOf(m, 'HelloWorldService')].pkg, nix(`((${pkgs}).HelloWorldService { HelloService = { target.properties.hostname = "test1"; port = 8081; }; }).outPath`));
    for (const [hash, s] of Object.entries(m.services)) {
      const deps = s.dependsOn.map((d) => `{ service = "${d.service}"; target = "${d.target}"; container = "${d.container}"; }`).join(' ');
      assert.equal(nix(`builtins.hashString "sha256" (builtins.toXML { name = "${s.name}"; type = "${s.type}"; pkg = "${s.pkg}"; dependsOn = [ ${deps} ]; })`), hash, s.name);
    }
  });

  it('writes the identity XML byte for byte as builtins.toXML, escapes included', async () => {
    await ready;
    const ev = new Evaluator();
    const input = { name: 'a"<&>\nb', type: 'process', pkg: '/nix/store/x-a', dependsOn: [{ service: 'h', target: 't', container: 'c' }] };
    const v = ev.evalString(`{ name = ${JSON.stringify(input.name)}; type = "process"; pkg = "/nix/store/x-a"; dependsOn = [ { service = "h"; target = "t"; container = "c"; } ]; }`, '/');
    assert.equal(identityXml(input), toXml(ev, v, new Set(), undefined as never));
    assert.match(serviceHash(input), /^[0-9a-f]{64}$/);
  });

  it('deploys a service to a container its target does not declare, with no properties, as Disnix does', async () => {
    const models = (readsContainer: boolean) => ({
      services: `
  Db = { name = "Db"; type = "mysql-database"; pkg = drv "db" "echo > $out"; };
  Api = { name = "Api"; type = "process"; dependsOn = { inherit Db; }; pkg = { Db }: drv "api" "echo ${readsContainer ? '${toString Db.target.container.mysqlPort}' : '${Db.target.properties.hostname}'} > $out"; };`,
      infrastructure: '{ test1 = { properties.hostname = "test1"; containers.process = { }; }; }',
      distribution: '{ Db = [ infrastructure.test1 ]; Api = [ infrastructure.test1 ]; }',
    });
    const fine = await manifestOf(models(false));
    assert.deepEqual(fine.diagnostics.map((d) => `${d.severity} ${d.code}`), ['hint unknown-container']);
    const db = fine.manifest!.serviceMappings.find((m) => fine.manifest!.services[m.service].name === 'Db')!;
    assert.equal(db.container, 'mysql-database');
    assert.deepEqual(fine.manifest!.infrastructure.test1.containers, { process: {} }, 'the module gets no properties');
    // A build that reads that container fails with Nix's error, where it reads it.
    const reads = await manifestOf(models(true));
    assert.equal(reads.manifest, undefined);
    const failure = reads.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(failure.message, "attribute 'mysql-database' missing");
    assert.equal(failure.loc.source.text.slice(failure.loc.start, failure.loc.end), 'Db.target.container.mysqlPort');
  });

  it('cascades a changed build along dependsOn but not along connectsTo', async () => {
    const before = await manifest(chain(1));
    const after = await manifest(chain(2));
    assert.notEqual(hashOf(before, 'B'), hashOf(after, 'B'));
    assert.notEqual(hashOf(before, 'A'), hashOf(after, 'A'), 'A depends on B');
    assert.equal(hashOf(before, 'C'), hashOf(after, 'C'), 'C only connects to B');
    assert.deepEqual(after.services[hashOf(after, 'A')].dependsOn, [{ service: hashOf(after, 'B'), target: 'test1', container: 'process' }]);
    assert.deepEqual(after.services[hashOf(after, 'C')].connectsTo, [{ service: hashOf(after, 'B'), target: 'test1', container: 'process' }]);
    assert.deepEqual(after.services[hashOf(after, 'C')].dependsOn, []);
  });

  it('changes a dependent when its dependency moves, through the build and the mapping', async () => {
    const before = await manifest(chain(1, 'test1'));
    const after = await manifest(chain(1, 'test2'));
    assert.equal(hashOf(before, 'B'), hashOf(after, 'B'), 'B itself is the same build');
    assert.notEqual(before.services[hashOf(before, 'A')].pkg, after.services[hashOf(after, 'A')].pkg, "A's build reads B's hostname");
    assert.notEqual(before.services[hashOf(before, 'C')].pkg, after.services[hashOf(after, 'C')].pkg);
  });

  it('maps a service to a container another service provides, after that provider', async () => {
    const models = (port: number) => ({
      services: `
  Tomcat = { name = "Tomcat"; type = "process"; pkg = drv "tomcat" "echo > $out"; providesContainers.tomcat-webapplication = { port = ${port}; }; };
  Shop = { name = "Shop"; type = "tomcat-webapplication"; pkg = drv "shop" "echo > $out"; };
  Api = { name = "Api"; type = "process"; dependsOn = { inherit Shop; }; pkg = { Shop }: drv "api" "echo \${toString Shop.target.container.port} > $out"; };`,
      infrastructure: twoTargets,
      distribution: '{ Tomcat = [ infrastructure.test1 ]; Shop = [ infrastructure.test1 ]; Api = [ infrastructure.test2 ]; }',
    });
    const m = await manifest(models(8080));
    const shop = m.serviceMappings.find((x) => x.service === hashOf(m, 'Shop'))!;
    assert.deepEqual(shop, { service: hashOf(m, 'Shop'), target: 'test1', container: 'tomcat-webapplication', containerProvidedByService: hashOf(m, 'Tomcat') });
    assert.deepEqual(m.services[hashOf(m, 'Shop')].dependsOn, [{ service: hashOf(m, 'Tomcat'), target: 'test1', container: 'process' }], 'the provider is an activatesAfter dependency');
    assert.deepEqual(m.services[hashOf(m, 'Tomcat')].providesContainers, { 'tomcat-webapplication': { port: 8080 } });
    const other = await manifest(models(9090));
    assert.notEqual(other.services[hashOf(other, 'Api')].pkg, m.services[hashOf(m, 'Api')].pkg, "Api's build reads the provider's container properties");
  });

  it('binds dependents to every replica, and keeps activatesAfter out of the build arguments', async () => {
    const m = await manifest({
      services: `
  Db = { name = "Db"; type = "process"; pkg = drv "db" "echo > $out"; };
  Log = { name = "Log"; type = "process"; pkg = drv "log" "echo > $out"; };
  Web = { name = "Web"; type = "process"; dependsOn = { inherit Db; }; activatesAfter = { inherit Log; };
          pkg = { Db }: drv "web" "echo \${builtins.concatStringsSep "," (map (t: t.properties.hostname) Db.targets)} > $out"; };`,
      infrastructure: twoTargets,
      distribution: '{ Db = [ infrastructure.test1 infrastructure.test2 ]; Log = [ infrastructure.test2 ]; Web = [ infrastructure.test1 ]; }',
    });
    // Were Log passed to Web's build, the call `{ Db }: ...` would fail and there would be no manifest.
    assert.equal(m.serviceMappings.filter((x) => x.service === hashOf(m, 'Db')).length, 2);
    assert.deepEqual(m.services[hashOf(m, 'Web')].dependsOn.map((d) => `${m.services[d.service].name}@${d.target}`), ['Db@test1', 'Db@test2', 'Log@test2']);
  });

  it('puts package services in the profile only, and the packages model beside them', async () => {
    const m = await manifest({
      services: `
  Tools = { name = "Tools"; type = "package"; pkg = drv "tools" "echo > $out"; };
  App = { name = "App"; type = "process"; pkg = drv "app" "echo > $out"; };`,
      infrastructure: twoTargets,
      distribution: '{ Tools = [ infrastructure.test1 ]; App = [ infrastructure.test1 ]; }',
      packages: '{ system, pkgs }: { test2 = [ (derivation { name = "extra"; inherit system; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }) ]; }',
    });
    assert.deepEqual(Object.values(m.services).map((s) => s.name), ['App']);
    assert.equal(m.serviceMappings.length, 1);
    assert.deepEqual(m.profiles.test1.packages.map((p) => p!.replace(/^\/nix\/store\/[a-z0-9]{32}-/, '')), ['app', 'tools']);
    assert.deepEqual(m.profiles.test2.packages.map((p) => p!.replace(/^\/nix\/store\/[a-z0-9]{32}-/, '')), ['extra']);
    assert.equal(m.profiles.test1.path, undefined, 'profiles are planned until built');
  });

  it('makes snapshot mappings for deployState services, named by the store path without its hash', async () => {
    const models = {
      services: `
  Db = { name = "Db"; type = "process"; deployState = true; pkg = drv "staff-db" "echo > $out"; };
  Web = { name = "Web"; type = "process"; pkg = drv "web" "echo > $out"; };`,
      infrastructure: twoTargets,
      distribution: '{ Db = [ infrastructure.test2 ]; Web = [ infrastructure.test1 ]; }',
    };
    const m = await manifest(models);
    assert.deepEqual(m.snapshotMappings, [{ service: hashOf(m, 'Db'), target: 'test2', container: 'process', component: 'staff-db' }]);
    assert.equal((await manifest(models, { deployState: true })).snapshotMappings.length, 2, '--deploy-state');
  });

  it('builds a service once per target system, as two manifest services', async () => {
    const m = await manifest({
      services: 'App = { name = "App"; type = "process"; pkg = drv "app" "echo > $out"; };',
      infrastructure: '{ a = { properties.hostname = "a"; system = "x86_64-linux"; }; b = { properties.hostname = "b"; system = "aarch64-linux"; }; }',
      distribution: '{ App = [ infrastructure.a infrastructure.b ]; }',
    });
    const [x, y] = m.serviceMappings.map((s) => m.services[s.service].pkg);
    assert.equal(Object.keys(m.services).length, 2);
    assert.notEqual(x, y);
    assert.equal(m.infrastructure.b.system, 'aarch64-linux');
  });

  it('says a build that needs Nixpkgs is unknown instead of making up a store path', async () => {
    const m = await manifest({
      services: 'App = { name = "App"; type = "process"; pkg = pkgs.stdenv.mkDerivation { name = "app"; }; };',
      infrastructure: twoTargets,
      distribution: '{ App = [ infrastructure.test1 ]; }',
    });
    assert.equal(m.services[hashOf(m, 'App')].pkg, null);
    assert.deepEqual(m.profiles.test1.packages, [null]);
  });

  it('reports a failing build at its cause and makes no manifest', async () => {
    const r = await manifestOf({
      services: 'App = { name = "App"; type = "process"; pkg = throw "no compiler here"; };',
      infrastructure: twoTargets,
      distribution: '{ App = [ infrastructure.test1 ]; }',
    });
    assert.equal(r.manifest, undefined);
    const d = r.diagnostics.find((x) => x.code === 'build-error')!;
    assert.match(d.message, /no compiler here/);
    assert.equal(d.loc.source.text.slice(d.loc.start, d.loc.end), 'throw "no compiler here"');
  });

  it('makes no manifest of models with errors', async () => {
    const r = await manifestOf({ services: 'App = { name = "Ap"; type = "process"; pkg = drv "a" ""; };', infrastructure: twoTargets, distribution: '{ App = [ infrastructure.test1 ]; }' });
    assert.equal(r.manifest, undefined);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
  });
});

describe('withBuilds', () => {
  it('gives a built service a new identity that cascades along dependsOn, and moves the mappings along', async () => {
    const m = await manifest(chain(1));
    const b = hashOf(m, 'B');
    const built = withBuilds(m, new Map([[b, '/nix/store/00000000000000000000000000000000-b']]));
    assert.notEqual(hashOf(built, 'B'), b);
    assert.equal(built.services[hashOf(built, 'B')].pkg, '/nix/store/00000000000000000000000000000000-b');
    assert.notEqual(hashOf(built, 'A'), hashOf(m, 'A'), 'A depends on B');
    assert.deepEqual(built.services[hashOf(built, 'A')].dependsOn, [{ service: hashOf(built, 'B'), target: 'test1', container: 'process' }]);
    assert.equal(hashOf(built, 'C'), hashOf(m, 'C'), 'C only connects to B');
    assert.deepEqual(built.services[hashOf(built, 'C')].connectsTo.map((d) => d.service), [hashOf(built, 'B')]);
    assert.equal(Object.keys(built.services).length, 3);
    assert.deepEqual(withBuilds(m, new Map()), m, 'nothing built, nothing changes');
  });
});
