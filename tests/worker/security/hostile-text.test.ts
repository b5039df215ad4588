import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers";
import {
  fillPath,
  type Operation,
  openApiDocument,
  ownedIds,
  type PopulatedUser,
  populatedUser,
  type RawResult,
  rawFetch,
  routeTable,
} from "./fixtures";
import { arbitraryFromSchema } from "./schema-arbitrary";

/**
 * Text Postgres cannot hold (NUL), text no column expects (10k characters) and bytes that are not
 * UTF-8, sent to every path and query parameter of every route, and NUL inside every string of
 * every JSON body: never a 5xx. Unlike fuzz.test.ts, every combination is tried, not a sample.
 */
const SEED = 20_261_206;
/** Ready to put in a URL as they are: percent-encoded where they must be. */
const HOSTILE_URL_VALUES: Record<string, string> = {
  NUL: "%00",
  "NUL inside": "abc%00def",
  "10k characters": "x".repeat(10_000),
  "invalid UTF-8 sequence": "%C3%28",
  "a lone 0xFF byte": "%FF",
};
const CLIENT_IP = `2001:db8::${crypto.randomUUID().slice(0, 4)}`;
/** Each route handles 30+ requests here; the 2-core CI machine runs other files alongside. */
const TIMEOUT_MS = 180_000;

let operations: Operation[];
let owner: PopulatedUser;
let writeTokenId: string;
let writeToken: string;
let doc: Awaited<ReturnType<typeof openApiDocument>>;

beforeAll(async () => {
  // Deletions last, so the owner's resources are still there for the other routes.
  operations = (await routeTable())
    .filter((op) => !(op.method === "GET" && op.path === "/api/health/model"))
    .sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
  owner = await populatedUser("hostile-text");
  doc = await openApiDocument();
  const created = await call("POST", `/api/meters/${owner.meter.id}/tokens`, { token: owner.token, body: { name: "Fuzz" } });
  writeTokenId = created.body.id;
  writeToken = created.body.token;
});

/** An id the owner really has for each path parameter, so one hostile value at a time meets the route's own checks. */
function ownedParam(op: Operation, name: string): string {
  if (name === "token") return op.method === "DELETE" ? owner.chartShare.token : owner.tabShare.token;
  if (name === "tokenId") return writeTokenId;
  const byPrefix: [string, string][] = [
    ["/api/tabs/", owner.tab.id],
    ["/api/charts/", owner.chart.id],
    ["/api/agents/", owner.agent.id],
    ["/api/chat/sessions/", owner.session.id],
    ["/api/notifications/", owner.notification.id],
    ["/api/meters/", owner.meter.id],
    ["/api/ingest/", owner.meter.id],
  ];
  return byPrefix.find(([prefix]) => op.path.startsWith(prefix))?.[1] ?? crypto.randomUUID();
}

const ownedParams = (op: Operation) => Object.fromEntries(op.params.map((name) => [name, ownedParam(op, name)]));

const schemaContext = () => ({ doc, uuids: ownedIds(owner).uuids });

/** Well-formed values for the required query parameters, so a request fails only on the value under test. */
function requiredQuery(op: Operation): Record<string, string> {
  const required = op.querySchemas.filter((q) => q.required);
  return Object.fromEntries(
    required.map((q) => [q.name, String(fc.sample(arbitraryFromSchema(q.schema, schemaContext()), { seed: SEED, numRuns: 1 })[0])]),
  );
}

/** A body shaped by the route's schema (a few, so optional fields turn up), JSON-encoded. */
function shapedBodies(op: Operation, count: number): unknown[] {
  if (!op.bodySchema) return [undefined];
  return fc.sample(arbitraryFromSchema(op.bodySchema, schemaContext()), { seed: SEED, numRuns: count });
}

function send(op: Operation, params: Record<string, string>, query: string, body: unknown): Promise<RawResult> {
  return rawFetch(op.method, fillPath(op.path, params) + (query ? `?${query}` : ""), {
    headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "application/json", "CF-Connecting-IP": CLIENT_IP },
    body: op.hasBody ? JSON.stringify(body) : undefined,
  });
}

const encodedQuery = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");

/** Every string in a JSON value with where it is, e.g. "spec.series.0.label". */
function stringLeaves(value: unknown, path: string[] = []): string[][] {
  if (typeof value === "string") return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, String(i)]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  return [];
}

function withNulAt(value: unknown, path: string[]): unknown {
  if (path.length === 0) return `${String(value).slice(0, -1)}\u0000`;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[path[0]] = withNulAt(copy[path[0]], path.slice(1));
  return copy;
}

const describeFailure = (what: string, result: RawResult) => `${what}: ${result.status} ${result.text.slice(0, 300)}`;

describe("hostile text in every parameter and body", () => {
  it(
    "NUL, 10k characters and invalid UTF-8 in any path parameter: never a 5xx",
    async () => {
      let requests = 0;
      for (const op of operations.filter((op) => op.params.length)) {
        const body = shapedBodies(op, 1)[0];
        for (const name of op.params) {
          for (const [label, value] of Object.entries(HOSTILE_URL_VALUES)) {
            const result = await send(op, { ...ownedParams(op), [name]: value }, encodedQuery(requiredQuery(op)), body);
            expect(result.status, describeFailure(`${op.method} ${op.path} with ${label} as ${name}`, result)).toBeLessThan(500);
            requests++;
          }
        }
      }
      expect(requests).toBeGreaterThan(150);
    },
    TIMEOUT_MS,
  );

  it(
    "NUL, 10k characters and invalid UTF-8 in any query parameter: never a 5xx",
    async () => {
      let requests = 0;
      for (const op of operations.filter((op) => op.query.length)) {
        const body = shapedBodies(op, 1)[0];
        for (const name of op.query) {
          for (const [label, value] of Object.entries(HOSTILE_URL_VALUES)) {
            const { [name]: _, ...others } = requiredQuery(op);
            const query = [encodedQuery(others), `${encodeURIComponent(name)}=${value}`].filter(Boolean).join("&");
            const result = await send(op, ownedParams(op), query, body);
            expect(result.status, describeFailure(`${op.method} ${op.path} with ${label} as ?${name}`, result)).toBeLessThan(500);
            requests++;
          }
        }
      }
      expect(requests).toBeGreaterThan(100);
    },
    TIMEOUT_MS,
  );

  it(
    "NUL in line protocol (measurement, tag, field) and in the v1 p= token: never a 5xx",
    async () => {
      // A readings hour long past, so no model run starts.
      const ts = Math.floor(Date.now() / 1000) - 3 * 86_400;
      const lines = [
        `power\u0000,meter=kitchen power_w=5 ${ts}`,
        `power,meter=kit\u0000chen power_w=5 ${ts}`,
        `power,entity_id=sensor.a\u0000 value=5 ${ts}`,
        `power,meter=kitchen odd\u0000field=5 ${ts}`,
        `power,meter=kitchen note="a\u0000b",power_w=5 ${ts}`,
      ];
      for (const line of lines) {
        const result = await rawFetch("POST", "/api/v2/write?org=home&bucket=wattboard&precision=s", {
          headers: { Authorization: `Token ${writeToken}`, "Content-Type": "text/plain", "CF-Connecting-IP": CLIENT_IP },
          body: line,
        });
        expect(result.status, describeFailure(JSON.stringify(line), result)).toBeLessThan(500);
      }
      // The same write without NUL is stored: the refusals above are about the NUL, not the token.
      const clean = await rawFetch("POST", "/api/v2/write?org=home&bucket=wattboard&precision=s", {
        headers: { Authorization: `Token ${writeToken}`, "Content-Type": "text/plain", "CF-Connecting-IP": CLIENT_IP },
        body: `power,meter=kitchen power_w=5 ${ts}`,
      });
      expect(clean.status, clean.text).toBe(204);
      for (const value of Object.values(HOSTILE_URL_VALUES)) {
        const result = await rawFetch("POST", `/write?db=home&precision=s&p=${value}`, { body: `power power_w=5 ${ts}` });
        expect(result.status, describeFailure(`p=${value.slice(0, 20)}`, result)).toBeLessThan(500);
      }
    },
    TIMEOUT_MS,
  );

  it(
    "NUL in a CSV upload (headers, series names, cells): never a 5xx",
    async () => {
      const csvs: [string, string][] = [
        [
          `/api/meters/${owner.meter.id}/imports?unit=cumulative_kwh`,
          "entity_id,state,last_changed\nsensor.a\u0000b,1520.0,2024-01-02T00:00:00.000Z\n",
        ],
        [`/api/meters/${owner.meter.id}/imports?unit=average_w`, "time\u0000,watts\n2024-01-02T00:00:00Z,5\n"],
        [`/api/meters/${owner.meter.id}/imports`, "LCLid,tstp,energy(kWh/hh)\nMAC\u000002,2013-01-01 00:00:00,0.2\n"],
        ["/api/tariffs?name=Agile", "Period from,Period to,Agile Import price (p/kWh)\u0000\n01/11/2023 00:00,01/11/2023 00:30,22.26\n"],
        ["/api/tariffs?name=Agile", "Period from,Period to,Agile Import price (p/kWh)\n01/11/2023 00:00,01/11/2023 00:30,22.2\u00006\n"],
      ];
      for (const [path, csv] of csvs) {
        const result = await rawFetch("POST", path, {
          headers: { Authorization: `Bearer ${owner.token}`, "Content-Type": "text/csv", "CF-Connecting-IP": CLIENT_IP },
          body: csv,
        });
        expect(result.status, describeFailure(`${path} ${JSON.stringify(csv)}`, result)).toBeLessThan(500);
      }
    },
    TIMEOUT_MS,
  );

  it(
    "NUL inside any string of a JSON body: stored without it or 400 naming the field, never a 5xx",
    async () => {
      let rejected = 0;
      for (const op of operations.filter((op) => op.bodySchema)) {
        for (const body of shapedBodies(op, 3)) {
          for (const path of stringLeaves(body)) {
            const result = await send(op, ownedParams(op), encodedQuery(requiredQuery(op)), withNulAt(body, path));
            const what = `${op.method} ${op.path} with NUL in ${path.join(".") || "the body"}`;
            expect(result.status, describeFailure(what, result)).toBeLessThan(500);
            if (result.status === 400 && result.text.includes("NUL")) {
              expect(JSON.parse(result.text).error.details, what).toContainEqual(expect.objectContaining({ path: path.join(".") }));
              rejected++;
            }
          }
        }
      }
      // The bodies must reach the NUL check, or this test proves nothing.
      expect(rejected).toBeGreaterThan(10);
    },
    TIMEOUT_MS,
  );
});
