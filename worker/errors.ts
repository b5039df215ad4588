import type { ZodError } from "zod";
import { z } from "zod";

/** The one error shape every API response uses: {"error": {"code", "message", "details"?}}. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "ErrorBody" });

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): z.infer<typeof ErrorBody> {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const routeNotFound = (method: string, path: string) => new ApiError(404, "route_not_found", `No route ${method} ${path}`);
export const unauthorized = (message = "Sign in first: send Authorization: Bearer <access token>") =>
  new ApiError(401, "unauthorized", message);

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Turns zod issues into paths a person can find in their payload, e.g. "spec.window.to". */
export function validationError(error: ZodError, where: string): ApiError {
  const details: ValidationIssue[] = error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  const summary = details
    .slice(0, 3)
    .map((d) => `${d.path}: ${d.message}`)
    .join("; ");
  return new ApiError(400, "invalid_request", `Invalid ${where}: ${summary}`, details);
}

/** OpenAPI response entries shared by every route. */
export function errorResponses(...statuses: ErrorStatus[]) {
  const descriptions: Record<ErrorStatus, string> = {
    400: "The request is invalid; details lists each failing field",
    401: "Missing, expired or invalid access token",
    403: "Not allowed",
    404: "Not found (or owned by someone else)",
    409: "Conflict with the current state",
    410: "Gone: used or expired",
    413: "Payload too large",
    415: "Unsupported content type",
    422: "Unprocessable",
    429: "Too many requests",
    500: "Internal error",
    503: "A dependency is unavailable; retry later",
  };
  return Object.fromEntries(
    statuses.map((status) => [status, { description: descriptions[status], content: { "application/json": { schema: ErrorBody } } }]),
  );
}

/**
 * True for errors that mean "Postgres cannot be reached right now" (connection refused or lost,
 * server shutting down, too many connections), as opposed to a bug in a query. Such errors become
 * 503 with Retry-After, so meters and browsers retry instead of giving up.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return errorChain(error).some(
    ({ message, code }) =>
      (code !== undefined && /^(08|53|57P0)/.test(code)) ||
      (code === undefined &&
        !message.startsWith("Failed query") &&
        /connect|websocket|socket|terminat|timed? ?out|ECONN|closed/i.test(message)),
  );
}

/**
 * An error and its causes, outermost first. Drizzle wraps driver errors ("Failed query: ..."),
 * and the driver's own cause may be a WebSocket ErrorEvent rather than an Error.
 */
export function errorChain(error: unknown): { message: string; code?: string }[] {
  const chain: { message: string; code?: string }[] = [];
  for (let current = error; current && chain.length < 5; current = (current as { cause?: unknown }).cause) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    chain.push({
      message: typeof message === "string" ? message.split("\n")[0] : String(current),
      code: typeof code === "string" ? code : undefined,
    });
  }
  return chain;
}

export const databaseUnavailable = () =>
  new ApiError(503, "database_unavailable", "The database is unreachable right now; nothing was changed. Retry in a few seconds.");

/**
 * The key that seals stored secrets (webhook secrets, alert channel secrets). Checked before
 * anything is written: without it no secret can be shown or used.
 */
export function secretsKey(env: { WEBHOOK_SECRET_KEY?: string }): string {
  if (!env.WEBHOOK_SECRET_KEY)
    throw new ApiError(
      503,
      "webhook_key_unconfigured",
      "WEBHOOK_SECRET_KEY is not set on the Worker: see the README's configuration section",
    );
  return env.WEBHOOK_SECRET_KEY;
}
