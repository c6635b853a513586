import { type PhCode, PumphouseError } from '../errors.js';
import { HttpConnectionError, HttpError, type RequestDescription } from '../http/errors.js';
import { FUEL_CODES } from './codes.js';

/**
 * Errors of the Fuel client. Nailgun's error bodies come in two forms: 6.0 sends the bare message
 * as the body (while the Content-Type says JSON), 6.1 and later `{"message": "…", "errors": []}`.
 * Both end up as `fuelMessage` and in the error's message, after the call (method and path).
 *
 * Invariant: like HttpError, every text here has been through the connection's Redactor.
 */

/** Service names the Fuel transport uses in requests, to tell the token call from API calls. */
export const FUEL_SERVICE = 'fuel';
export const FUEL_KEYSTONE_SERVICE = 'fuel keystone';

/** A Fuel call answered with a status it did not expect. */
export class FuelHttpError extends HttpError {
  /** Fuel's own text ("Node not found"), already redacted. */
  readonly fuelMessage: string | undefined;

  constructor(req: RequestDescription, res: { status: number; statusText: string; expected: readonly number[]; fuelMessage?: string }) {
    super(req, { ...res, ...(res.fuelMessage !== undefined ? { serverMessage: res.fuelMessage } : {}) }, codeForStatus(req, res.status), hintForStatus(req, res.status));
    this.name = 'FuelHttpError';
    this.fuelMessage = res.fuelMessage;
  }
}

/**
 * The message of a Nailgun error body, either form; undefined when there is none. One line, at
 * most 500 characters (a 500 can carry a Python traceback).
 */
export function parseFuelErrorMessage(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  let value: unknown = body;
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed === '') return undefined;
    // 6.0's plain text may itself look like JSON only when it is the 6.1+ object.
    if (trimmed.startsWith('{') || trimmed.startsWith('"')) {
      try {
        value = JSON.parse(trimmed) as unknown;
      } catch {
        value = trimmed;
      }
    } else {
      value = trimmed;
    }
  }
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.message === 'string') text = obj.message;
    // keystonemiddleware's 401 body.
    else if (obj.error && typeof obj.error === 'object' && typeof (obj.error as Record<string, unknown>).message === 'string') {
      text = (obj.error as Record<string, unknown>).message as string;
    }
    if (Array.isArray(obj.errors) && obj.errors.length > 0) {
      const details = obj.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ');
      text = text ? `${text} (${details})` : details;
    }
  }
  if (text === undefined) return undefined;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return undefined;
  return oneLine.length > 500 ? `${oneLine.slice(0, 497)}...` : oneLine;
}

/** The client's view of a failure that happened below it: Fuel codes for every transport error. */
export function asFuelError(error: unknown, call: string): unknown {
  if (error instanceof FuelHttpError) return error;
  if (error instanceof HttpConnectionError) {
    return new PumphouseError(FUEL_CODES.unreachable, `Fuel master unreachable: ${error.message}`, {
      hint: 'check the Fuel URL (http://<master>:8000), that nailgun is running on the master, and network access from this machine',
      cause: error,
    });
  }
  if (error instanceof PumphouseError && !error.code.startsWith('PH19')) {
    return new PumphouseError(FUEL_CODES.badResponse, `Fuel ${call}: ${error.message}`, { hint: error.hint ?? 'check that the URL points at the Fuel master (nailgun)', cause: error });
  }
  return error;
}

function codeForStatus(req: RequestDescription, status: number): PhCode {
  if (status === 401) return FUEL_CODES.authFailed;
  if (req.service === FUEL_KEYSTONE_SERVICE && (status === 400 || status === 403)) return FUEL_CODES.authFailed;
  if (status === 400) return FUEL_CODES.invalid;
  if (status === 403) return FUEL_CODES.forbidden;
  if (status === 404) return FUEL_CODES.notFound;
  if (status === 409) return FUEL_CODES.conflict;
  if (status >= 500) return FUEL_CODES.serverError;
  return FUEL_CODES.badResponse;
}

function hintForStatus(req: RequestDescription, status: number): string {
  if (req.service === FUEL_KEYSTONE_SERVICE) {
    return `Fuel's keystone refused the credentials for "${req.cloud}": check the Fuel username and password (fuel's own admin user, admin/admin on a fresh master)`;
  }
  if (status === 401) return `Fuel refused a fresh token: check that the Fuel user of "${req.cloud}" is an admin and that keystone on the master works`;
  if (status === 400) return 'Fuel rejected the request: its message says which node, disk, NIC or network is wrong';
  if (status === 403) return 'Fuel does not allow this now (deployed or locked environment, or a non-bootstrap node)';
  if (status === 404) return 'the id does not exist in Fuel (any more): list clusters, nodes or tasks to find the right one';
  if (status === 409) return 'the name or MAC is already taken: remove the old Fuel record of this host first';
  if (status === 415) return 'Fuel expects JSON bodies; this is a pumphouse bug';
  if (status >= 500) return 'nailgun failed: a deployment may already be running in this environment; look at /var/log/nailgun on the master';
  return 'unexpected answer from Fuel';
}
