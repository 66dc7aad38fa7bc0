// The manifest XML has the structure of Disnix's manifest version 2 (§2.1): checked by
// parsing it with a real XML parser (Python's ElementTree) and walking the element paths
// Disnix's tools read.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { manifestToXml } from '../../core/plan/manifest-xml';
import { manifestFromXml } from '../../core/plan/manifest-xml-read';
import { hashOf, manifest, twoTargets } from './fixture';

/** Every element path with its attributes and text, one per line, from a real parser. */
function outline(xml: string): string[] {
  const script = `
import sys, xml.etree.ElementTree as ET
def walk(e, path):
    p = path + '/' + e.tag + ''.join('[@%s=%s]' % (k, v) for k, v in sorted(e.attrib.items()))
    text = (e.text or '').strip()
    print(p + ((' = ' + text) if text and len(e) == 0 else ''))
    for c in e: walk(c, p)
walk(ET.fromstring(sys.stdin.read()), '')`;
  const r = spawnSync('python3', ['-c', script], { input: xml, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

describe('manifest XML', () => {
  it('has the elements and typed values of a Disnix version 2 manifest', async () => {
    const m = await manifest({
      services: `
  Tomcat = { name = "Tomcat"; type = "process"; pkg = drv "tomcat" "echo > $out"; providesContainers.tomcat = { port = 8080; ssl = false; }; };
  Db = { name = "Db"; type = "process"; deployState = true; pkg = drv "db" "echo > $out"; };
  Web = { name = "Web"; type = "tomcat"; dependsOn = { inherit Db; }; pkg = { Db }: drv "web" "echo > $out"; };`,
      infrastructure: `{ test1 = { properties = { hostname = "test1"; supportedTypes = [ "process" "tomcat" ]; mem = 1024; }; containers.process = { }; }; test2 = { properties.hostname = "test2&<x>"; containers.process = { dir = "/var"; }; numOfCores = 2; }; }`,
      distribution: '{ Tomcat = [ infrastructure.test1 ]; Web = [ infrastructure.test1 ]; Db = [ infrastructure.test2 ]; }',
    });
    const lines = outline(manifestToXml(m));
    const has = (line: string) => assert.ok(lines.includes(line), `missing ${line}\n${lines.join('\n')}`);
    const web = hashOf(m, 'Web');
    const db = hashOf(m, 'Db');
    has('/manifest[@version=2]');
    has('/manifest[@version=2]/profiles/profile[@name=test1]');
    has(`/manifest[@version=2]/services/service[@name=${web}]/name = Web`);
    has(`/manifest[@version=2]/services/service[@name=${web}]/pkg = ${m.services[web].pkg}`);
    has(`/manifest[@version=2]/services/service[@name=${web}]/type = tomcat`);
    has(`/manifest[@version=2]/services/service[@name=${web}]/dependsOn/mapping/service = ${db}`);
    has(`/manifest[@version=2]/services/service[@name=${web}]/dependsOn/mapping/target = test2`);
    has(`/manifest[@version=2]/services/service[@name=${web}]/dependsOn/mapping/container = process`);
    has(`/manifest[@version=2]/services/service[@name=${hashOf(m, 'Tomcat')}]/providesContainers/container[@name=tomcat][@type=attrs]/property[@name=port][@type=int] = 8080`);
    has(`/manifest[@version=2]/services/service[@name=${hashOf(m, 'Tomcat')}]/providesContainers/container[@name=tomcat][@type=attrs]/property[@name=ssl][@type=bool] = false`);
    has('/manifest[@version=2]/infrastructure/target[@name=test1]/properties[@type=attrs]/property[@name=hostname][@type=string] = test1');
    has('/manifest[@version=2]/infrastructure/target[@name=test1]/properties[@type=attrs]/property[@name=supportedTypes][@type=list]/elem[@type=string] = tomcat');
    has('/manifest[@version=2]/infrastructure/target[@name=test2]/properties[@type=attrs]/property[@name=hostname][@type=string] = test2&<x>');
    has('/manifest[@version=2]/infrastructure/target[@name=test2]/containers/container[@name=process][@type=attrs]/property[@name=dir][@type=string] = /var');
    has('/manifest[@version=2]/infrastructure/target[@name=test2]/numOfCores = 2');
    has('/manifest[@version=2]/infrastructure/target[@name=test2]/system = ' + m.infrastructure.test2.system);
    has('/manifest[@version=2]/infrastructure/target[@name=test2]/clientInterface = disnix-ssh-client');
    has('/manifest[@version=2]/infrastructure/target[@name=test2]/targetProperty = hostname');
    has(`/manifest[@version=2]/serviceMappings/mapping/containerProvidedByService = ${hashOf(m, 'Tomcat')}`);
    has('/manifest[@version=2]/snapshotMappings/mapping/component = db');
    has(`/manifest[@version=2]/snapshotMappings/mapping/service = ${db}`);
  });

  it('writes a built profile path as the profile text', async () => {
    const m = await manifest({ services: 'A = { name = "A"; type = "process"; pkg = drv "a" ""; };', infrastructure: twoTargets, distribution: '{ A = [ infrastructure.test1 ]; }' });
    m.profiles.test1.path = '/nix/store/00000000000000000000000000000000-test1';
    assert.ok(outline(manifestToXml(m)).includes('/manifest[@version=2]/profiles/profile[@name=test1] = /nix/store/00000000000000000000000000000000-test1'));
  });

  it('reads back what it writes, package services in their profiles included', async () => {
    const m = await manifest({
      services: `
  Tomcat = { name = "Tomcat"; type = "process"; pkg = drv "tomcat" "echo > $out"; providesContainers.tomcat = { port = 8080; ssl = false; tags = [ "a" ]; }; };
  Db = { name = "Db"; type = "process"; deployState = true; pkg = drv "db" "echo > $out"; };
  Tools = { name = "Tools"; type = "package"; pkg = drv "tools" "echo > $out"; };
  Web = { name = "Web"; type = "tomcat"; dependsOn = { inherit Db; }; pkg = { Db }: drv "web" "echo > $out"; };`,
      infrastructure: twoTargets,
      distribution: '{ Tomcat = [ infrastructure.test1 ]; Web = [ infrastructure.test1 ]; Db = [ infrastructure.test2 ]; Tools = [ infrastructure.test2 ]; }',
    });
    m.profiles.test1.path = '/nix/store/00000000000000000000000000000000-test1';
    assert.deepEqual(manifestFromXml(manifestToXml(m)), m);
  });

  it("reads Disnix's own manifest, whose profiles hold the builds of the services mapped there", () => {
    const xml = `<?xml version="1.0"?>
<manifest version="2">
  <profiles><profile name="test1">/nix/store/11111111111111111111111111111111-test1</profile></profiles>
  <services>
    <service name="aaaa"><name>HelloWorld</name><pkg>/nix/store/22222222222222222222222222222222-HelloWorld</pkg><type>process</type>
      <dependsOn><mapping><service>bbbb</service><target>test1</target><container>process</container></mapping></dependsOn>
      <connectsTo/>
    </service>
    <service name="bbbb"><name>HelloService</name><pkg>/nix/store/33333333333333333333333333333333-HelloService</pkg><type>process</type><dependsOn/><connectsTo/></service>
  </services>
  <infrastructure>
    <target name="test1">
      <properties type="attrs"><property name="hostname" type="string">test1</property><property name="ports" type="list"><elem type="int">22</elem></property></properties>
      <containers><container name="process" type="attrs"/></containers>
      <system>x86_64-linux</system><numOfCores>2</numOfCores><clientInterface>disnix-ssh-client</clientInterface><targetProperty>hostname</targetProperty>
    </target>
  </infrastructure>
  <serviceMappings>
    <mapping><service>aaaa</service><target>test1</target><container>process</container></mapping>
    <mapping><service>bbbb</service><target>test1</target><container>process</container></mapping>
  </serviceMappings>
  <snapshotMappings/>
</manifest>`;
    const m = manifestFromXml(xml);
    assert.deepEqual(m.profiles, { test1: { path: '/nix/store/11111111111111111111111111111111-test1', packages: ['/nix/store/22222222222222222222222222222222-HelloWorld', '/nix/store/33333333333333333333333333333333-HelloService'] } });
    assert.deepEqual(m.services.aaaa.dependsOn, [{ service: 'bbbb', target: 'test1', container: 'process' }]);
    assert.deepEqual(m.infrastructure.test1, { properties: { hostname: 'test1', ports: [22] }, containers: { process: {} }, system: 'x86_64-linux', numOfCores: 2, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' });
    assert.throws(() => manifestFromXml('<manifest version="1"><distribution/></manifest>'), /version 1: convert it with disnix-convert/);
    assert.throws(() => manifestFromXml('<manifest version="2"'), /not a Disnix manifest/);
  });
});
