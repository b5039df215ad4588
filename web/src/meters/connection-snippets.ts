/**
 * Ready configuration for the tools that already speak a protocol Wattboard accepts, with the app's
 * URL and a site meter's write token filled in. The meter page shows them; the README shows the same
 * text for an example URL and token (tests/node/connection-snippets.test.ts keeps the two equal).
 */

export interface ConnectionTarget {
  /** The app's origin, e.g. https://wattboard.example.com (no trailing slash). */
  appUrl: string;
  /** A write token of the site meter (wbt_…). */
  token: string;
  /** The site meter's id, for the JSON webhook's URL. */
  meterId: string;
}

export interface ConnectionSnippet {
  id: "home-assistant" | "telegraf" | "curl-line-protocol" | "curl-json";
  title: string;
  /** Where it goes, in a few words. */
  where: string;
  /** The fence language in the README. */
  language: "yaml" | "toml" | "sh";
  text: string;
}

/** InfluxDB clients require both; Wattboard accepts any value (the token says where readings go). */
export const ORGANIZATION = "wattboard";
export const BUCKET = "wattboard";

/** Example values for the README and its test. */
export const EXAMPLE_TARGET: ConnectionTarget = {
  appUrl: "https://wattboard.example.com",
  token: "wbt_EXAMPLE-token-shown-once-on-the-meter-page0",
  meterId: "00000000-0000-4000-8000-000000000001",
};

function homeAssistant({ appUrl, token }: ConnectionTarget): string {
  const url = new URL(appUrl);
  const ssl = url.protocol === "https:";
  const port = url.port || (ssl ? "443" : "80");
  return [
    "influxdb:",
    "  api_version: 2",
    `  ssl: ${ssl}`,
    `  host: ${url.hostname}`,
    `  port: ${port}`,
    `  token: ${token}`,
    `  organization: ${ORGANIZATION}`,
    `  bucket: ${BUCKET}`,
    "  include:",
    "    domains:",
    "      - sensor",
  ].join("\n");
}

function telegraf({ appUrl, token }: ConnectionTarget): string {
  return [
    "[[outputs.influxdb_v2]]",
    `  urls = ["${appUrl}"]`,
    `  token = "${token}"`,
    `  organization = "${ORGANIZATION}"`,
    `  bucket = "${BUCKET}"`,
    `  content_encoding = "gzip"`,
  ].join("\n");
}

/** One point in line protocol, timestamped now in seconds; prints the status (204: stored). */
function curlLineProtocol({ appUrl, token }: ConnectionTarget): string {
  return [
    `curl -sS -w '%{http_code}\\n' -X POST '${appUrl}/api/v2/write?org=${ORGANIZATION}&bucket=${BUCKET}&precision=s' \\`,
    `  -H 'Authorization: Token ${token}' \\`,
    `  -H 'Content-Type: text/plain; charset=utf-8' \\`,
    `  --data-binary "electricity power_w=1234,energy_wh=21 $(date +%s)"`,
  ].join("\n");
}

function curlJson({ appUrl, token, meterId }: ConnectionTarget): string {
  return [
    `curl -sS -X POST '${appUrl}/api/ingest/${meterId}' \\`,
    `  -H 'Authorization: Bearer ${token}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d "{\\"readings\\":[{\\"ts\\":\\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\\",\\"power_w\\":1234}]}"`,
  ].join("\n");
}

export function connectionSnippets(target: ConnectionTarget): ConnectionSnippet[] {
  return [
    {
      id: "home-assistant",
      title: "Home Assistant",
      where: "configuration.yaml (InfluxDB integration, API v2), then restart Home Assistant",
      language: "yaml",
      text: homeAssistant(target),
    },
    { id: "telegraf", title: "Telegraf", where: "telegraf.conf (InfluxDB v2 output)", language: "toml", text: telegraf(target) },
    {
      id: "curl-line-protocol",
      title: "curl, line protocol",
      where: "a shell: posts one point to the InfluxDB v2 write API (204 when stored)",
      language: "sh",
      text: curlLineProtocol(target),
    },
    {
      id: "curl-json",
      title: "curl, JSON",
      where: "a shell: posts one reading to the JSON webhook with the token instead of a signature",
      language: "sh",
      text: curlJson(target),
    },
  ];
}
