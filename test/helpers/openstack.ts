// One import point for tests that use the client, so test files read like operator code.
export { collectAll, compute, connect, identity, image, network, blockStorage, isNotFound, HttpError } from '../../src/openstack/index.js';
export { PumphouseError } from '../../src/errors.js';
