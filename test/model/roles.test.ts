// Which file is which model, and which deployments a folder of models forms.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { candidateDeployments, roleOf } from '../../core/model/roles';
import { ready, source } from '../helpers';
import { parseNix } from '../../core/nix/lower';

before(() => ready);

const exprOf = (text: string) => parseNix(source(text)).expr;

describe('model roles', () => {
  it('knows the Disnix file names', () => {
    assert.deepEqual(
      ['services.nix', 'services-cyclic.nix', 'infrastructure-bare.nix', 'distribution_lb.nix', 'packages.nix', 'architecture.nix', 'qos.nix', 'network-test.nix', 'default.nix'].map((n) => roleOf(`/p/${n}`)),
      ['services', 'services', 'infrastructure', 'distribution', 'packages', 'architecture', 'qos', 'network', undefined],
    );
  });

  it('recognises a model by its function formals when the name says nothing', () => {
    assert.equal(roleOf('/p/svc.nix', exprOf('{ system, pkgs, distribution, invDistribution }: { }')), 'services');
    assert.equal(roleOf('/p/map.nix', exprOf('{ infrastructure }: { }')), 'distribution');
    assert.equal(roleOf('/p/pkgs/default.nix', exprOf('{ system, pkgs }: { }')), undefined);
  });

  const pairings = (names: string[]) =>
    candidateDeployments(names.map((n) => ({ path: `/p/${n}`, role: roleOf(`/p/${n}`)! }))).map((d) => [d.services, d.infrastructure, d.distribution].map((p) => p!.slice(3)).join(' '));

  it('pairs variants by suffix, else with the plain models, the plain names first', () => {
    assert.deepEqual(pairings(['services.nix', 'services-cyclic.nix', 'infrastructure.nix', 'distribution.nix', 'distribution-cyclic.nix', 'distribution-loadbalancing.nix']), [
      'services.nix infrastructure.nix distribution.nix',
      'services-cyclic.nix infrastructure.nix distribution-cyclic.nix',
      'services.nix infrastructure.nix distribution-loadbalancing.nix',
    ]);
  });

  it('gives an infrastructure of its own suffix to the pairings that have none', () => {
    // staff-tracker: infrastructure-bare.nix goes with the containers variant, not with everything.
    assert.deepEqual(pairings(['services.nix', 'services-with-containers.nix', 'infrastructure.nix', 'infrastructure-bare.nix', 'distribution.nix', 'distribution-with-containers.nix']), [
      'services.nix infrastructure.nix distribution.nix',
      'services-with-containers.nix infrastructure.nix distribution-with-containers.nix',
      'services-with-containers.nix infrastructure-bare.nix distribution-with-containers.nix',
    ]);
  });

  it('puts every model file in some deployment', () => {
    const all = pairings(['services-a.nix', 'services-b.nix', 'infrastructure-x.nix', 'distribution-c.nix']);
    for (const f of ['services-a.nix', 'services-b.nix', 'infrastructure-x.nix', 'distribution-c.nix']) assert.ok(all.some((d) => d.split(' ').includes(f)), `${f} in ${all.join('; ')}`);
  });
});
