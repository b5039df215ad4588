import fc from "fast-check";

/** Values a generated field may take where the schema allows any string (ids the caller owns, mostly). */
export interface SchemaContext {
  doc: unknown;
  uuids: string[];
}

const MAX_DEPTH = 8;

/**
 * Requests shaped like the OpenAPI document says (right fields, types, enums, bounds, formats),
 * so the fuzzer gets past validation into the handlers and the database; the caller mixes in
 * broken variants.
 */
export function arbitraryFromSchema(schema: any, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || typeof schema !== "object" || depth > MAX_DEPTH) return fc.constant(null);
  if (typeof schema.$ref === "string") return arbitraryFromSchema(resolve(schema.$ref, ctx.doc), ctx, depth + 1);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((s: unknown) => arbitraryFromSchema(s, ctx, depth + 1)));
  if (Array.isArray(schema.allOf)) return arbitraryFromSchema(Object.assign({}, ...schema.allOf), ctx, depth + 1);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ["object"] : [];
  if (!types.length) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((type) => byType(type, schema, ctx, depth)));
}

function byType(type: string, schema: any, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number": {
      // Unbounded in the schema means unbounded here too: the extremes are where sums overflow.
      const limit = type === "integer" ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE;
      const min =
        schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (type === "integer" ? 1 : 1e-9) : -limit);
      const max =
        schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (type === "integer" ? 1 : 1e-9) : limit);
      const edges = fc.constantFrom(min, max);
      return type === "integer"
        ? fc.oneof(
            fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31 - 1)) }),
            edges.map(Math.round),
          )
        : fc.oneof(
            fc.double({ min: Math.max(min, -1e6), max: Math.min(max, 1e6), noNaN: true, noDefaultInfinity: true }),
            fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
            edges,
          );
    }
    case "string":
      return stringFor(schema, ctx);
    case "array": {
      const minLength = schema.minItems ?? 0;
      return fc.array(arbitraryFromSchema(schema.items, ctx, depth + 1), {
        minLength,
        maxLength: Math.min(schema.maxItems ?? minLength + 4, minLength + 4),
      });
    }
    case "object": {
      const properties: Record<string, unknown> = schema.properties ?? {};
      const required = new Set<string>(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, arbitraryFromSchema(s, ctx, depth + 1)])),
        { requiredKeys: Object.keys(properties).filter((key) => required.has(key)) },
      );
      if (Object.keys(properties).length || !schema.additionalProperties) return record;
      // A map such as {"tool_name": "allow"}.
      const keys = schema.propertyNames?.pattern
        ? safeMatching(schema.propertyNames.pattern, fc.string({ maxLength: 12 }))
        : fc.string({ maxLength: 12 });
      return fc.dictionary(keys, arbitraryFromSchema(schema.additionalProperties, ctx, depth + 1), { maxKeys: 4 });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(schema: any, ctx: SchemaContext): fc.Arbitrary<string> {
  switch (schema.format) {
    case "uuid":
      return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ctx.uuids) }, fc.uuid());
    case "date-time":
      return fc.oneof(
        fc
          .date({ min: new Date("1999-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.integer({ min: -400 * 86_400, max: 86_400 }).map((s) => new Date(Date.now() + s * 1000).toISOString()),
        fc.constantFrom("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-29T01:30:00+01:00", "2026-10-25T01:30:00-14:00"),
      );
    case "email":
      return fc.emailAddress();
    case "uri":
      return fc.webUrl();
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 300);
  const plain = fc.string({ minLength, maxLength });
  if (schema.pattern) return safeMatching(schema.pattern, plain);
  // Time zones are free strings in the schema; odd real ones reach the date arithmetic.
  const zones = ["Europe/London", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati", "UTC"].filter(
    (s) => s.length >= minLength && s.length <= maxLength,
  );
  return zones.length ? fc.oneof(plain, fc.constantFrom(...zones)) : plain;
}

function safeMatching(pattern: string, fallback: fc.Arbitrary<string>): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return fallback;
  }
}

function resolve(ref: string, doc: unknown): unknown {
  return ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((node: any, key) => node?.[key], doc);
}
