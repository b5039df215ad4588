/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, spec/standard-webhooks.md): the
 * secret is `whsec_` + base64 of 24 to 64 random bytes; a delivery carries `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `id.timestamp.body`, keyed by the base64-decoded secret. Web Crypto only, so the Worker, Node
 * scripts and a receiver in the tests share it.
 */

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

const encoder = new TextEncoder();

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A new signing secret: whsec_ + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** A delivery's id: the same on every retry of one message, so a receiver can drop duplicates. */
export function newWebhookId(): string {
  return `msg_${crypto.randomUUID().replaceAll("-", "")}`;
}

async function signingKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  const raw = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** The webhook-signature header's value: `v1,` + base64 HMAC-SHA256(secret, `${id}.${timestamp}.${body}`). */
export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await signingKey(secret, "sign"), encoder.encode(`${id}.${timestampSeconds}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/**
 * What a receiver does: true when one of the space-separated `v1,` signatures matches (constant
 * time, through crypto.subtle.verify). The timestamp's age is the receiver's own check.
 */
export async function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
): Promise<boolean> {
  const key = await signingKey(secret, "verify");
  const signed = encoder.encode(`${headers.id}.${headers.timestamp}.${body}`);
  for (const part of headers.signature.split(" ")) {
    const [version, value] = part.split(",", 2);
    if (version !== "v1" || !value) continue;
    let mac: Uint8Array<ArrayBuffer>;
    try {
      mac = fromBase64(value);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) return true;
  }
  return false;
}
