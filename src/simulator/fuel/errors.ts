/**
 * Nailgun's answer to a refused request. Handlers throw it; the server renders it in the chosen
 * version's body format (6.0: the bare text; 6.1+: `{"message": …, "errors": []}`).
 */
export class FuelApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'FuelApiError';
  }
}

export const notFound = (what: string): FuelApiError => new FuelApiError(404, `${what} not found`);
export const invalid = (message: string): FuelApiError => new FuelApiError(400, message);
