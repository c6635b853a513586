import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { PumphouseError, errorMessage } from '../errors.js';
import { HTTP_CODES } from './codes.js';

/** How one cloud's connections are secured. */
export interface TlsSettings {
  /** PEM CA bundle used instead of the system store, for this cloud only. */
  cacert?: string;
  /** false = accept any certificate (a warning is emitted on every connect). */
  verify: boolean;
}

/** Keep-alive agents of one cloud; share them across its service clients and close them at the end. */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
  destroy(): void;
}

/**
 * Builds the cloud's agents. Keep-alive matters: discovery makes thousands of calls (one per
 * user for keypairs, one per project for quotas) and a TLS handshake per call would dominate.
 * @throws PumphouseError PH2002 when the CA bundle cannot be read.
 */
export function createAgents(tls: TlsSettings, maxSockets = 32): Agents {
  let ca: Buffer | undefined;
  if (tls.cacert) {
    try {
      ca = readFileSync(tls.cacert);
    } catch (error) {
      throw new PumphouseError(HTTP_CODES.caBundleUnreadable, `cannot read the CA bundle ${tls.cacert}: ${errorMessage(error)}`, {
        hint: 'set cacert in clouds.yaml to a readable PEM file, or remove it to use the system CA store',
      });
    }
  }
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: tls.verify, ...(ca ? { ca } : {}) });
  return {
    http: httpAgent,
    https: httpsAgent,
    destroy: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
