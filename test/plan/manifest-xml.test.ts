// The manifest XML has the structure of Disnix's manifest version 2 (§2.1): checked by
// parsing it with a real XML parser (Python's ElementTree) and walking the element paths
// Disnix's tools read.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { manifestToXml } from '../../core/plan/manifest-xml';
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
});
