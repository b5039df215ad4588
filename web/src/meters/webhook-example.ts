/**
 * A shell snippet that signs and posts one reading exactly as the webhook expects
 * (timestamp + "." + body, HMAC-SHA256 with the meter's secret). Needs curl and openssl.
 */
export function curlExample(url: string, secret: string): string {
  return [
    `SECRET='${secret}'`,
    `BODY="{\\"readings\\":[{\\"ts\\":\\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\\",\\"power_w\\":1234}]}"`,
    `TS=$(date +%s)`,
    `SIG=$(printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.*= //')`,
    `curl -sS -X POST '${url}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Wattboard-Timestamp: $TS" \\`,
    `  -H "X-Wattboard-Signature: sha256=$SIG" \\`,
    `  -d "$BODY"`,
  ].join("\n");
}
