import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ErrorBody } from "../../../worker/errors";
import { createMeter, sign } from "../helpers";
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
 * Property-based fuzzing of every route in the app's OpenAPI document (plus the share pages):
 * generated path ids, query strings, headers and bodies must never cause a 5xx, and every 4xx
 * must be the JSON error envelope. The seed is fixed, so a failure reproduces; fast-check prints
 * the shrunk request.
 */
const SEED = 20_261_121;
const RUNS_PER_OPERATION = 60;
const RUNS_PER_OPERATION_SHAPED = 25;
const RUNS_WEBHOOK_SIGNED = 100;
const RUNS_AUTH_HEADER = 150;
/** Bounded by the counts above; generous because the 2-core CI machine runs the other files alongside. */
const FUZZ_TIMEOUT_MS = 180_000;

/** Its own client address, so the per-IP limiters that other test files meet never count these requests. */
const FUZZ_CLIENT_IP = `2001:db8::${crypto.randomUUID().slice(0, 4)}`;

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** Values that commonly break parsers: bad percent-encoding, huge numbers, prototype keys, odd dates. */
const NASTY_STRINGS = [
  "",
  " ",
  "%",
  "%ZZ",
  "%E0%A4%A",
  "%00",
  "\u0000",
  "..",
  "../../etc/passwd",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "-1",
  "9007199254740993",
  "0x10",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "prototype",
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as a literal string
  "${7*7}",
  "<script>alert(1)</script>",
  "\u202e",
  "\ud800",
  "💩",
  "Ω".repeat(300),
  "a".repeat(10_000),
  "2026-02-30T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "0000-01-01T00:00:00Z",
  "1970-01-01T00:00:00+14:00",
  "2026-11-21T10:00:00.123456789Z",
  "last_7d",
  "this_month",
  "this_year",
  "power_w",
  "energy_wh",
  "1mo",
  "auto",
  "chart",
  "tab",
];
const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.uuid(),
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
);
const nastyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 5_000, 5_001, 100_000));
const nastyValue = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

const QUERY_KEYS = [
  "from",
  "to",
  "window",
  "points",
  "metric",
  "bucket",
  "limit",
  "before",
  "confirm",
  "meterIds",
  "ticket",
  "url",
  "format",
  "maxwidth",
];

function queryString(op: Operation) {
  const pair = fc.tuple(
    fc.oneof(fc.constantFrom(...op.query, ...QUERY_KEYS), printable(10)),
    fc.oneof(nastyString, nastyNumber.map(String)),
  );
  const encoded = fc
    .array(pair, { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"));
  // Raw, unencoded or badly encoded query strings reach the app as they are.
  const raw = fc.constantFrom(
    "%",
    "a=%",
    "from=%E0%A4%A",
    "&&&=",
    "points=1&points=2",
    "meterIds=,,,",
    "window[]=x",
    "__proto__[x]=1",
    "url=http://%",
    "url=javascript:alert(1)",
  );
  return fc.oneof(encoded, raw, fc.constant(""));
}

function body(op: Operation) {
  const keys = fc.oneof(fc.constantFrom(...(op.bodyKeys.length ? op.bodyKeys : ["x"])), printable(12));
  const object = fc.dictionary(keys, nastyValue, { maxKeys: 6 }).map((value) => JSON.stringify(value));
  const raw = fc.constantFrom(
    "",
    "{",
    "[]",
    "null",
    "1",
    '"x"',
    '{"__proto__": {"admin": true}}',
    "\ufeff{}",
    "[".repeat(5_000),
    `{"a":${"[".repeat(2_000)}`,
    '{"title": "\\ud800"}',
  );
  return fc.oneof(
    { weight: 3, arbitrary: object },
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    raw,
    fc.string({ maxLength: 200 }),
  );
}

function headers(token: string | undefined) {
  const contentType = fc.constantFrom(
    undefined,
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/vnd.api+json",
    "",
  );
  const authorization = token
    ? fc.oneof(
        { weight: 6, arbitrary: fc.constant(`Bearer ${token}`) },
        fc.constantFrom(
          undefined,
          "Bearer",
          "Bearer ",
          `bearer ${token}`,
          `Basic ${token}`,
          `Bearer ${token}x`,
          `Bearer ${token} ${token}`,
        ),
        printable(60),
      )
    : fc.oneof(fc.constant(undefined), printable(60));
  const extra = fc.dictionary(
    fc.constantFrom(
      "X-Wattboard-Timestamp",
      "X-Wattboard-Signature",
      "CF-Connecting-IP",
      "Accept",
      "Origin",
      "X-Forwarded-For",
      "Cookie",
      "Range",
      "If-None-Match",
      "Upgrade",
    ),
    printable(80),
    { maxKeys: 3 },
  );
  return fc.record({ contentType, authorization, extra }).map(({ contentType, authorization, extra }) => {
    const result: Record<string, string> = { "CF-Connecting-IP": FUZZ_CLIENT_IP, ...extra };
    if (contentType !== undefined) result["Content-Type"] = contentType;
    if (authorization !== undefined) result.Authorization = authorization;
    // A WebSocket upgrade is the live channel's business (tested in live.test.ts), not a fuzz case.
    delete result.Upgrade;
    return result;
  });
}

function pathValue(owned: string[]) {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...owned) },
    fc.uuid(),
    fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length < 400)).map((s) => (s.includes("%") ? s : encodeURIComponent(s))),
    fc.string({ maxLength: 60 }).map(encodeURIComponent),
  );
}

const isPage = (op: Operation) => !op.path.startsWith("/api/");

/** The contract under test: no 5xx, and every 4xx (and every JSON answer) parses as JSON; 4xx as the envelope. */
function expectWellFormed(op: Operation, method: string, result: RawResult) {
  expect(result.status, result.text.slice(0, 300)).toBeLessThan(500);
  if (method === "HEAD" || result.status === 101) return;
  const type = result.headers.get("Content-Type") ?? "";
  // The share pages answer a dead link with the app's HTML page (404), for people, not scripts.
  if (isPage(op) && type.startsWith("text/html")) return;
  if (result.status >= 400) {
    expect(type).toContain("application/json");
    expect(ErrorBody.safeParse(JSON.parse(result.text)).success, result.text.slice(0, 300)).toBe(true);
  } else if (type.includes("json")) {
    JSON.parse(result.text);
  }
}

/** Deletions last, so the owner's resources are still there for the other routes. */
const deletionsLast = (ops: Operation[]) => [...ops].sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));

let operations: Operation[];
let owner: PopulatedUser;

/** Routes left out; everything else in the document is fuzzed. */
const NOT_FUZZED = new Set([
  // It loads the 14 MB model runtime, which stalls workerd for seconds (AGENTS.md); it takes no input.
  "GET /api/health/model",
]);

beforeAll(async () => {
  operations = (await routeTable()).filter((op) => !NOT_FUZZED.has(`${op.method} ${op.path}`));
  owner = await populatedUser("fuzz");
});

describe("fuzzing every route", () => {
  it("the route table is read from the OpenAPI document and covers the whole API", () => {
    const keys = operations.map((op) => `${op.method} ${op.path}`);
    for (const expected of [
      "GET /api/tabs/{id}",
      "POST /api/ingest/{meterId}",
      "GET /api/public/shares/{token}",
      "POST /api/chat/sessions/{id}/messages",
      "POST /api/auth/dev",
      "GET /s/{token}",
    ]) {
      expect(keys).toContain(expected);
    }
    expect(operations.length).toBeGreaterThan(40);
  });

  it(
    "generated paths, queries, headers and bodies: never a 5xx, 4xx always the error envelope",
    async () => {
      const { uuids, sessions, tokens } = ownedIds(owner);
      const owned = [...uuids, ...sessions, ...tokens];
      let cases = 0;
      for (const op of deletionsLast(operations)) {
        const request = fc.record({
          method: fc.oneof(
            { weight: 9, arbitrary: fc.constant(op.method) },
            fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
          ),
          params: fc.record(Object.fromEntries(op.params.map((name) => [name, pathValue(owned)]))),
          query: queryString(op),
          headers: headers(owner.token),
          body: fc.option(body(op), { nil: undefined, freq: op.hasBody ? 8 : 2 }),
        });
        await fc.assert(
          fc.asyncProperty(request, async ({ method, params, query, headers, body }) => {
            cases++;
            const path = fillPath(op.path, params as Record<string, string>) + (query ? `?${query}` : "");
            const withBody = method !== "GET" && method !== "HEAD" ? body : undefined;
            expectWellFormed(op, method, await rawFetch(method, path, { headers, body: withBody }));
          }),
          { seed: SEED, numRuns: RUNS_PER_OPERATION },
        );
      }
      expect(cases).toBeGreaterThanOrEqual(operations.length * RUNS_PER_OPERATION);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "requests shaped by the document's schemas (past validation, into handlers and SQL), some with one field broken",
    async () => {
      // Its own user: the deletions of the first test leave nothing of the shared owner to reach.
      const shapedOwner = await populatedUser("fuzz-shaped");
      const { uuids, sessions, tokens } = ownedIds(shapedOwner);
      const ctx = { doc: await openApiDocument(), uuids };
      const statuses: number[] = [];
      for (const op of deletionsLast(operations)) {
        const query = fc.record(Object.fromEntries(op.querySchemas.map((q) => [q.name, arbitraryFromSchema(q.schema, ctx)])), {
          requiredKeys: op.querySchemas.filter((q) => q.required).map((q) => q.name),
        });
        const shaped = op.bodySchema ? arbitraryFromSchema(op.bodySchema, ctx) : fc.constant(undefined);
        // One field of an otherwise well-formed body replaced by something hostile.
        const broken = fc
          .tuple(shaped, fc.constantFrom(...(op.bodyKeys.length ? op.bodyKeys : ["x"])), nastyValue)
          .map(([value, field, nasty]) =>
            value && typeof value === "object" && !Array.isArray(value) ? { ...value, [field]: nasty } : nasty,
          );
        const request = fc.record({
          params: fc.record(
            Object.fromEntries(
              op.params.map((name) => [
                name,
                fc.constantFrom(...(name === "token" ? tokens : [...uuids, ...sessions]), crypto.randomUUID()),
              ]),
            ),
          ),
          query,
          body: fc.oneof({ weight: 4, arbitrary: shaped }, broken),
        });
        await fc.assert(
          fc.asyncProperty(request, async ({ params, query, body }) => {
            const search = new URLSearchParams(
              Object.entries(query).map(([k, v]): [string, string] => [k, Array.isArray(v) ? v.join(",") : String(v)]),
            ).toString();
            const path = fillPath(op.path, params as Record<string, string>) + (search ? `?${search}` : "");
            const result = await rawFetch(op.method, path, {
              headers: {
                Authorization: `Bearer ${shapedOwner.token}`,
                "Content-Type": "application/json",
                "CF-Connecting-IP": FUZZ_CLIENT_IP,
              },
              body: op.hasBody ? JSON.stringify(body) : undefined,
            });
            statuses.push(result.status);
            expectWellFormed(op, op.method, result);
          }),
          { seed: SEED, numRuns: RUNS_PER_OPERATION_SHAPED },
        );
      }
      // The shaped requests must mostly get through validation, or this test proves little. A 404 got
      // through it too: the handler looked the id up (most ids drawn are of another kind of resource,
      // so each resource with id routes lowers the share of 2xx without lowering what is tested).
      expect(statuses.filter((s) => s < 300 || s === 404).length).toBeGreaterThan((statuses.length * 2) / 3);
      expect(statuses.filter((s) => s < 300).length).toBeGreaterThan(statuses.length / 5);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "protected routes answer any malformed or foreign Authorization header with 401 and the envelope",
    async () => {
      const protectedOps = operations.filter((op) => op.authenticated);
      const authorization = fc.oneof(
        printable(120),
        fc.constantFrom(
          "",
          "Bearer",
          "Bearer null",
          "Bearer undefined",
          "Bearer a.b.c",
          "Bearer ..",
          "Bearer eyJhbGciOiJub25lIn0.e30.",
          `Bearer ${owner.token.split(".").slice(0, 2).join(".")}.`,
        ),
        printable(200).map((s) => `Bearer ${s.replace(/\s/g, "")}x`),
        fc
          .tuple(fc.base64String({ maxLength: 60 }), fc.base64String({ maxLength: 200 }), fc.base64String({ maxLength: 60 }))
          .map((parts) => `Bearer ${parts.join(".")}`),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...protectedOps), authorization, async (op, header) => {
          const path = fillPath(op.path, Object.fromEntries(op.params.map((name) => [name, crypto.randomUUID()])));
          const result = await rawFetch(op.method, path, {
            headers: { Authorization: header, "Content-Type": "application/json" },
            body: op.method === "GET" ? undefined : "{}",
          });
          expect(result.status).toBe(401);
          expect(JSON.parse(result.text).error.code).toBe("unauthorized");
        }),
        { seed: SEED, numRuns: RUNS_AUTH_HEADER },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "signed webhook bodies (past the signature check): 200 with consistent counts, or 400 with the envelope",
    async () => {
      const meter = await createMeter(owner.token, { name: "Fuzzed webhook" });
      // Readings stay older than a day: the meter never gets the fresh history an automatic model run needs.
      // Mostly one month, so accepted values meet in the same buckets of the series read below.
      const ts = fc.oneof(
        {
          weight: 3,
          arbitrary: fc
            .date({ min: new Date("2019-01-01T00:00:00Z"), max: new Date("2019-02-01T00:00:00Z"), noInvalidDate: true })
            .map((d) => d.toISOString()),
        },
        fc
          .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date(Date.now() - 86_400_000), noInvalidDate: true })
          .map((d) => d.toISOString()),
        nastyString,
        nastyNumber,
      );
      // Mostly plausible values (one bad field fails the whole batch), some at the float limits.
      const field = fc.oneof(
        { weight: 8, arbitrary: fc.double({ min: 0, max: 1_000, noNaN: true }) },
        { weight: 2, arbitrary: fc.constantFrom(1e308, 1.7e308, -1e308, 1e300, 5e-324) },
        nastyValue,
      );
      const reading = fc.record(
        { ts, power_w: field, energy_wh: field, voltage_v: field, current_a: field, power_factor: field, thd_pct: field },
        { requiredKeys: ["ts"] },
      );
      const batch = fc.oneof(
        { weight: 4, arbitrary: fc.record({ readings: fc.array(reading, { maxLength: 8 }) }).map((b) => JSON.stringify(b)) },
        body({ bodyKeys: ["readings", "ts", "power_w", "energy_wh"] } as Operation),
      );
      let stored = 0;
      await fc.assert(
        fc.asyncProperty(batch, async (raw) => {
          const timestamp = String(Math.floor(Date.now() / 1000));
          const result = await rawFetch("POST", `/api/ingest/${meter.id}`, {
            headers: {
              "Content-Type": "application/json",
              "X-Wattboard-Timestamp": timestamp,
              "X-Wattboard-Signature": await sign(meter.webhook.secret, timestamp, raw),
            },
            body: raw,
          });
          expectWellFormed({ path: "/api/ingest/{meterId}" } as Operation, "POST", result);
          expect([200, 400, 429]).toContain(result.status);
          if (result.status === 200) {
            const { accepted, duplicates } = JSON.parse(result.text);
            expect(accepted + duplicates).toBe(JSON.parse(raw).readings.length);
            stored += accepted;
          }
        }),
        { seed: SEED, numRuns: RUNS_WEBHOOK_SIGNED },
      );
      // Some batches must get past validation and be stored, or the series below prove nothing.
      expect(stored).toBeGreaterThan(0);
      // Whatever was accepted must still add up: every series of the meter answers.
      const windows = [
        ["2000-01-01T00:00:00Z", "2009-12-31T00:00:00Z"],
        ["2009-12-31T00:00:00Z", "2019-12-30T00:00:00Z"],
        ["2019-12-30T00:00:00Z", new Date().toISOString()],
      ];
      for (const metric of ["power_w", "energy_wh", "voltage_v", "current_a", "power_factor", "thd_pct"]) {
        for (const [from, to] of windows) {
          const series = await rawFetch(
            "GET",
            `/api/meters/${meter.id}/series?metric=${metric}&from=${from}&to=${to}&bucket=1mo&points=5000`,
            { headers: { Authorization: `Bearer ${owner.token}` } },
          );
          expect(series.status, `${metric} ${from}: ${series.text.slice(0, 200)}`).toBe(200);
        }
      }
    },
    FUZZ_TIMEOUT_MS,
  );
});
