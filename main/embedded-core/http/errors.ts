/**
 * An error the Core reports as a plain-text body ("<message>\n", text/html;charset=UTF-8) with
 * an HTTP status: 400 for bad input, 401 for a bad API key, 404/405 for routing, 500 otherwise.
 */
export class CoreHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "CoreHttpError";
  }
}

export const badRequest = (message: string): CoreHttpError => new CoreHttpError(400, message);

/** The Core's wording for a JSON body field that is missing or of the wrong type. */
export const invalidField = (name: string): CoreHttpError =>
  badRequest(`Field name '${name}' is invalid in JSON input`);

/** The Core's wording for a missing query parameter. */
export const missingQueryParam = (name: string): CoreHttpError =>
  badRequest(`Field name '${name}' is missing in GET request`);

export const unknownTenant = (tenantId: string): CoreHttpError =>
  badRequest(
    "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId " +
      `combination not found: (, public, ${tenantId})`,
  );
