import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPENSTACK_CODES, selectEndpoint, type CatalogEntry } from '../../../src/openstack/index.js';
import { PumphouseError } from '../../../src/errors.js';

const ep = (i: string, region: string, url: string) => ({ interface: i, region, region_id: region, url });
const catalog: CatalogEntry[] = [
  { type: 'compute', name: 'nova', endpoints: [ep('public', 'East', 'https://east/compute'), ep('internal', 'East', 'http://east-int/compute'), ep('public', 'West', 'https://west/compute')] },
  { type: 'volumev3', name: 'cinderv3', endpoints: [ep('public', 'East', 'https://east/volume/v3/p')] },
  { type: 'volume', name: 'cinder', endpoints: [ep('public', 'East', 'https://east/volume/v1/p')] },
  { type: 'image', name: 'glance', endpoints: [ep('public', 'East', 'https://east/image')] },
];

describe('catalog endpoint selection', () => {
  it('selects by region and interface', () => {
    assert.equal(selectEndpoint(catalog, 'compute', { region: 'West', interface: 'public' }, 'c').url, 'https://west/compute');
    assert.equal(selectEndpoint(catalog, 'compute', { region: 'East', interface: 'internal' }, 'c').url, 'http://east-int/compute');
  });

  it('prefers block-storage aliases in order (volumev3 before volume)', () => {
    const chosen = selectEndpoint(catalog, 'block-storage', { interface: 'public' }, 'c');
    assert.equal(chosen.catalogType, 'volumev3');
    assert.equal(chosen.url, 'https://east/volume/v3/p');
  });

  it('a missing service names what the catalog has', () => {
    assert.throws(() => selectEndpoint(catalog, 'network', { interface: 'public' }, 'src'), (e: PumphouseError) =>
      e.code === OPENSTACK_CODES.serviceNotInCatalog && /cloud "src" has no network service/.test(e.message) && /present: compute, image, volume, volumev3/.test(e.message));
  });

  it('a missing region/interface lists the available pairs; several regions without region_name is an error', () => {
    assert.throws(() => selectEndpoint(catalog, 'image', { region: 'West', interface: 'public' }, 'c'), (e: PumphouseError) =>
      e.code === OPENSTACK_CODES.endpointNotFound && /available: public@East/.test(e.message));
    assert.throws(() => selectEndpoint(catalog, 'compute', { interface: 'public' }, 'c'), (e: PumphouseError) =>
      e.code === OPENSTACK_CODES.endpointNotFound && /several regions \(East, West\)/.test(e.message));
  });
});
