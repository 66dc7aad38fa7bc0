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

  it('pairs variants by suffix, the plain names first', () => {
    const files = ['services.nix', 'services-cyclic.nix', 'infrastructure.nix', 'distribution.nix', 'distribution-cyclic.nix', 'distribution-loadbalancing.nix'].map((n) => ({ path: `/p/${n}`, role: roleOf(`/p/${n}`)! }));
    const names = candidateDeployments(files).map((d) => [d.services, d.distribution].map((p) => p!.slice(3)).join(' '));
    assert.equal(names[0], 'services.nix distribution.nix');
    assert.ok(names.indexOf('services-cyclic.nix distribution-cyclic.nix') < names.indexOf('services-cyclic.nix distribution.nix'));
    assert.equal(names.length, 6);
  });
});
