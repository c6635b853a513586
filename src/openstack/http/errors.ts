import { HttpError, hintForStatus, isStatus, type RequestDescription } from '../../http/errors.js';
import { OPENSTACK_CODES } from './codes.js';

/** Keystone refused to issue a token. Discovery lets this one through: nothing works without auth. */
export class AuthenticationError extends HttpError {
  constructor(req: RequestDescription, res: ConstructorParameters<typeof HttpError>[1], who: string) {
    super(req, res, OPENSTACK_CODES.authFailed,
      res.status === 401
        ? `Keystone rejected the credentials of ${who} on cloud "${req.cloud}": check username/user_id, password (or application credential), user_domain_name and the project scope in clouds.yaml`
        : hintForStatus(req, res.status));
    this.name = 'AuthenticationError';
  }
}

export const isUnauthorized = (error: unknown): boolean => isStatus(error, 401) || error instanceof AuthenticationError;
