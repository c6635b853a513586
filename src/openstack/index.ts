/**
 * The OpenStack REST client: gophercloud's shape over axios. `connect()` gives a Cloud; its
 * service clients go into the per-resource functions (`compute.servers.list(client, opts)`).
 * Owns: HTTP (retries, re-auth, errors, paging, TLS, redaction), Keystone auth and catalog,
 * version discovery and microversions, and typed read access to every resource discovery needs.
 */
export { connect, Cloud, CLIENT_MICROVERSIONS } from './cloud.js';
export type { ConnectOptions, CloudDescription, ServiceDescriptionEntry, EndpointDescription } from './cloud.js';

export { ServiceClient } from './http/service-client.js';
export type { ApiVersion, QueryParams, QueryValue, RequestOptions, ServiceClientInit } from './http/service-client.js';
export { Transport } from '../http/transport.js';
export type { HttpMethod, HttpRequest, HttpResponse, TokenSource, TransportOptions } from '../http/transport.js';
export { Pager, collectAll, DEFAULT_PAGE_SIZE } from './http/paginate.js';
export type { PageOptions, PagerInit, PagingStyle } from './http/paginate.js';
export { HttpError, HttpConnectionError, isStatus, isNotFound, isConflict, isForbidden, parseErrorMessage } from '../http/errors.js';
export type { ConnectionFailure, RequestDescription } from '../http/errors.js';
export { AuthenticationError, isUnauthorized } from './http/errors.js';
export { OPENSTACK_CODES } from './http/codes.js';
export { redact, Redactor, REDACTED } from '../http/redact.js';
export { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter } from '../http/retry.js';
export type { RetryPolicy } from '../http/retry.js';
export { compareMicroversions, isAtLeast, negotiateMicroversion } from './http/microversion.js';
export type { MicroversionRange } from './http/microversion.js';
export { discoverVersion, parseVersionDocument, pickVersion, serviceBaseUrl } from './http/versions.js';
export type { VersionEntry } from './http/versions.js';
export { mapLimit } from '../http/concurrency.js';
export { createAgents } from '../http/tls.js';
export type { Agents, TlsSettings } from '../http/tls.js';

export { authenticate, buildAuthBody, identityV3Url } from './identity/auth.js';
export type { AuthResult, NamedRef, TokenInfo } from './identity/auth.js';
export { Session } from './identity/session.js';
export type { SessionOptions } from './identity/session.js';
export { SERVICE_TYPE_ALIASES, findService, selectEndpoint } from './identity/catalog.js';
export type { CatalogEndpoint, CatalogEntry, EndpointSelector, SelectedEndpoint, ServiceType } from './identity/catalog.js';

export * as identity from './identity/index.js';
export * as compute from './compute/index.js';
export * as image from './image/index.js';
export * as network from './network/index.js';
export * as blockStorage from './block-storage/index.js';
