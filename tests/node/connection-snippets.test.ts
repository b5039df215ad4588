import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ConnectionSnippet, connectionSnippets, EXAMPLE_TARGET } from "../../web/src/meters/connection-snippets";
import { WRITE_TOKEN_PATTERN } from "../../worker/meters/write-tokens-contract";

/**
 * The snippets the meter page shows and the README prints: the README holds exactly what the module
 * produces for the example URL and token, and each snippet has the structure its tool reads.
 */

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const snippets = connectionSnippets(EXAMPLE_TARGET);
const byId = (id: ConnectionSnippet["id"]) => snippets.find((s) => s.id === id)!.text;

/** `key: value` pairs of a YAML block by indentation (the subset the snippet uses: maps, a list, scalars). */
function yamlTree(text: string): unknown {
  const root: Record<string, unknown> = {};
  const stack: { indent: number; node: Record<string, unknown> | unknown[] }[] = [{ indent: -1, node: root }];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    expect(line, `line ${i + 1} has no tab`).not.toMatch(/\t/);
    const indent = line.length - line.trimStart().length;
    while (stack.at(-1)!.indent >= indent) stack.pop();
    const parent = stack.at(-1)!.node;
    const item = /^- (.+)$/.exec(line.trim());
    if (item) {
      expect(Array.isArray(parent), `line ${i + 1} is a list item inside a list`).toBe(true);
      (parent as unknown[]).push(item[1]);
      return;
    }
    const pair = /^([a-z_]+):(?: (.+))?$/.exec(line.trim());
    expect(pair, `line ${i + 1} is "key: value"`).not.toBeNull();
    const [, key, value] = pair!;
    const target = parent as Record<string, unknown>;
    if (value !== undefined) {
      target[key] = /^\d+$/.test(value) ? Number(value) : value === "true" || value === "false" ? value === "true" : value;
      return;
    }
    const nextIsList = lines[i + 1]?.trim().startsWith("- ");
    const child = nextIsList ? [] : {};
    target[key] = child;
    stack.push({ indent, node: child });
  });
  return root;
}

/** The keys of one TOML array-of-tables block with their values (strings and string arrays as JSON reads them). */
function tomlTable(text: string): { table: string; values: Record<string, unknown> } {
  const [header, ...lines] = text.split("\n");
  const table = /^\[\[([a-z0-9_.]+)\]\]$/.exec(header)?.[1];
  expect(table).toBeDefined();
  const values: Record<string, unknown> = {};
  for (const line of lines) {
    const pair = /^\s*([a-z_]+) = (.+)$/.exec(line);
    expect(pair, line).not.toBeNull();
    values[pair![1]] = JSON.parse(pair![2]);
  }
  return { table: table!, values };
}

describe("connection snippets", () => {
  it("uses a token of the real shape in the example", () => {
    expect(EXAMPLE_TARGET.token).toMatch(WRITE_TOKEN_PATTERN);
  });

  it("puts each snippet in the README exactly as the page shows it", () => {
    for (const snippet of snippets) expect(readme).toContain(`\`\`\`${snippet.language}\n${snippet.text}\n\`\`\``);
    const section = readme.slice(readme.indexOf("## Connect your meter"));
    expect(readme.indexOf("## Connect your meter")).toBeGreaterThan(readme.indexOf("## Meters and the webhook"));
    expect(section.indexOf(byId("home-assistant"))).toBeGreaterThan(0);
  });

  it("gives Home Assistant an influxdb: block for API v2 with the host, port and TLS of the app's URL", () => {
    expect(yamlTree(byId("home-assistant"))).toEqual({
      influxdb: {
        api_version: 2,
        ssl: true,
        host: "wattboard.example.com",
        port: 443,
        token: EXAMPLE_TARGET.token,
        organization: "wattboard",
        bucket: "wattboard",
        include: { domains: ["sensor"] },
      },
    });
    const local = connectionSnippets({ ...EXAMPLE_TARGET, appUrl: "http://localhost:5173" })[0].text;
    expect(yamlTree(local)).toMatchObject({ influxdb: { ssl: false, host: "localhost", port: 5173 } });
  });

  it("gives Telegraf an outputs.influxdb_v2 table with gzip", () => {
    expect(tomlTable(byId("telegraf"))).toEqual({
      table: "outputs.influxdb_v2",
      values: {
        urls: ["https://wattboard.example.com"],
        token: EXAMPLE_TARGET.token,
        organization: "wattboard",
        bucket: "wattboard",
        content_encoding: "gzip",
      },
    });
  });

  it("gives curl commands that a shell parses, to the write API and the JSON webhook", () => {
    for (const id of ["curl-line-protocol", "curl-json"] as const) {
      // bash -n parses without running: the quoting and line continuations are valid.
      execFileSync("bash", ["-n", "-c", byId(id)]);
    }
    expect(byId("curl-line-protocol")).toContain("'https://wattboard.example.com/api/v2/write?org=wattboard&bucket=wattboard&precision=s'");
    expect(byId("curl-line-protocol")).toContain(`-H 'Authorization: Token ${EXAMPLE_TARGET.token}'`);
    expect(byId("curl-json")).toContain(`'https://wattboard.example.com/api/ingest/${EXAMPLE_TARGET.meterId}'`);
    expect(byId("curl-json")).toContain(`-H 'Authorization: Bearer ${EXAMPLE_TARGET.token}'`);
  });

  it("sends a line-protocol point and a JSON body the shell expands to valid data", () => {
    const echo = (snippet: string, flag: string) => {
      const argument = snippet.split(`${flag} `)[1];
      return execFileSync("bash", ["-c", `printf '%s' ${argument}`], { encoding: "utf8" });
    };
    expect(echo(byId("curl-line-protocol"), "--data-binary")).toMatch(/^electricity power_w=1234,energy_wh=21 \d{10}$/);
    const body = JSON.parse(echo(byId("curl-json"), "-d"));
    expect(body).toEqual({ readings: [{ ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), power_w: 1234 }] });
  });
});
