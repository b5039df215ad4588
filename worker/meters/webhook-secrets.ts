/**
 * Webhook secrets are derived, never stored: secret = HMAC(WEBHOOK_SECRET_KEY, meter id + key
 * version). A leaked database therefore leaks no secret, and rotation is a version bump.
 */
const encoder = new TextEncoder();

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

export async function webhookSecret(masterKey: string, meterId: string, version: number): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(masterKey, "sign"), encoder.encode(`wattboard-webhook:${meterId}:v${version}`));
  return `whsec_${hex(mac)}`;
}

/** What a meter sends in X-Wattboard-Signature: sha256=<hex HMAC(secret, timestamp + "." + body)>. */
export async function signWebhookBody(secret: string, timestamp: string, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), signedPayload(timestamp, body));
  return `sha256=${hex(mac)}`;
}

/** Constant-time: crypto.subtle.verify compares the MACs without an early exit. */
export async function verifyWebhookSignature(secret: string, timestamp: string, body: Uint8Array<ArrayBuffer>, signatureHex: string): Promise<boolean> {
  const signature = new Uint8Array(signatureHex.match(/../g)!.map((pair) => parseInt(pair, 16)));
  return crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), signature, signedPayload(timestamp, body));
}

function signedPayload(timestamp: string, body: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`${timestamp}.`);
  const payload = new Uint8Array(prefix.length + body.length);
  payload.set(prefix);
  payload.set(body, prefix.length);
  return payload;
}
