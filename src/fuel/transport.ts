import type { AxiosResponse } from 'axios';
import type { RequestDescription } from '../http/errors.js';
import { Transport, type HttpRequest } from '../http/transport.js';
import { FuelHttpError, parseFuelErrorMessage } from './errors.js';

/**
 * The project's Transport (timeouts, retries, re-auth on 401, redaction) with Nailgun's error
 * bodies: OpenStack's parser reads `{"message": "…", "errors": []}` as "no message" because of
 * the empty `errors`, and 6.0 sends the bare text.
 */
export class FuelTransport extends Transport {
  override httpError(description: RequestDescription, req: HttpRequest, res: AxiosResponse<string>, headers: Record<string, string>): FuelHttpError {
    void headers;
    const message = parseFuelErrorMessage(res.data);
    return new FuelHttpError(description, {
      status: res.status,
      statusText: STATUS_TEXT[res.status] ?? (res.statusText || 'Unexpected Status'),
      expected: req.okCodes,
      ...(message !== undefined ? { fuelMessage: this.redactor.redact(message) } : {}),
    });
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  415: 'Unsupported Media Type', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
