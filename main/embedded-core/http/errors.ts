/**
 * An error the Core reports as a plain-text body ("<message>\n", text/html;charset=UTF-8) with
 * an HTTP status: 400 for bad input, 401 for a bad API key, 403 for a tenant on an app-level API,
 * 404/405 for routing, 500 otherwise.
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

/** StorageLayer.getStorage for a tenant (of an app) that does not exist. */
export const unknownTenant = (tenantId: string, appId = "public"): CoreHttpError =>
  badRequest(
    "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId " +
      `combination not found: (, ${appId}, ${tenantId})`,
  );

/** StorageLayer.getStoragesForApp for an app that does not exist. */
export const unknownApp = (appId: string): CoreHttpError =>
  badRequest(`AppId or tenantId not found => App with the following connectionURIDomain and appId combination not found: (, ${appId})`);

export const notFound = (): CoreHttpError => new CoreHttpError(404, "Not found");
