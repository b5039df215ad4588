/**
 * The browser's side of the API. openapi.d.ts is generated from the Worker's routes (`npm run
 * contracts`); this file holds the one client and how its answers are read; wattboard.ts, chat.ts,
 * shares.ts and notifications.ts hold one function per route and name the payloads the UI uses.
 */
import createClient, { type Middleware } from "openapi-fetch";
import { HOME_HEADER } from "../../../worker/homes/contract";
import { currentHomeParam } from "../homes/current-home";
import type { paths } from "./openapi";

/** An API error in words a person can act on (from the server's error envelope). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let accessToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setAccessToken(token: string | null, whenRejected: () => void = () => {}) {
  accessToken = token;
  onUnauthorized = whenRejected;
}

/**
 * Sends the signed-in person's token (and signs them out when the server no longer accepts it),
 * and the home the URL shows, so every listing and change acts in it.
 */
const session: Middleware = {
  onRequest({ request }) {
    if (accessToken) request.headers.set("Authorization", `Bearer ${accessToken}`);
    const home = currentHomeParam();
    if (home) request.headers.set(HOME_HEADER, home);
  },
  onResponse({ response }) {
    if (response.status === 401) onUnauthorized();
  },
};

/**
 * The one client of the Worker's API, typed by its routes (openapi.d.ts). Calls go through
 * `answerOf`; pass `keepalive: true` for a request that must outlive the page (a deferred delete
 * committed as the tab closes).
 */
export const client = createClient<paths>();
client.use(session);

/** Read loosely: a proxy or a crashed Worker may answer with something else (e.g. HTML). */
type ErrorEnvelope = { error?: { code?: string; message?: string } } | null | undefined;

/** The payload of a 2xx answer; anything else throws an ApiRequestError with the server's words. */
export async function answerOf<Answer extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<Answer>,
): Promise<DataOf<Answer>> {
  let answer: Answer;
  try {
    answer = await call;
  } catch {
    throw new ApiRequestError(0, "network", "Cannot reach Wattboard. Check your connection and try again.");
  }
  const { data, error, response } = answer;
  if (response.ok) return data as DataOf<Answer>;
  const envelope = (error as ErrorEnvelope)?.error;
  throw new ApiRequestError(response.status, envelope?.code ?? "http_error", envelope?.message ?? `The server answered ${response.status}`);
}

type DataOf<Answer> = Answer extends { data: infer Data } ? Data : never;

/** The options of a call to a route with an {id} in its path. */
export const byId = (id: string) => ({ params: { path: { id } } });

/** The words to show for anything thrown by a request. */
export function errorText(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}

type Method = "get" | "put" | "post" | "patch" | "delete";
type Operation<Path extends keyof paths, M extends Method> = NonNullable<paths[Path][M]>;
type MethodOf<Path extends keyof paths> = { [M in Method]: paths[Path][M] extends { responses: unknown } ? M : never }[Method];

/** The JSON a route answers with when it succeeds, e.g. `Json<"/api/tabs/{id}", "get">`. */
export type Json<Path extends keyof paths, M extends MethodOf<Path>> =
  Operation<Path, M> extends { responses: infer Responses }
    ? { [Status in keyof Responses]: Status extends 200 | 201 ? JsonContent<Responses[Status]> : never }[keyof Responses]
    : never;

/** The JSON body a route takes. */
export type RequestJson<Path extends keyof paths, M extends MethodOf<Path>> = JsonContent<NonNullable<Operation<Path, M>["requestBody"]>>;

/** The query parameters a route takes. */
export type Query<Path extends keyof paths, M extends MethodOf<Path>> = NonNullable<Operation<Path, M>["parameters"]["query"]>;

type JsonContent<Part> = Part extends { content: { "application/json": infer Body } } ? Body : never;
