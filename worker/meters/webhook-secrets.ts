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
  const mac = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(masterKey, "sign"),
    encoder.encode(`wattboard-webhook:${meterId}:v${version}`),
  );
  return `whsec_${hex(mac)}`;
}

/** What a meter sends in X-Wattboard-Signature: sha256=<hex HMAC(secret, timestamp + "." + body)>. */
export async function signWebhookBody(secret: string, timestamp: string, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), signedPayload(timestamp, body));
  return `sha256=${hex(mac)}`;
}

/** Constant-time: crypto.subtle.verify compares the MACs without an early exit. */
export async function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: Uint8Array<ArrayBuffer>,
  signatureHex: string,
): Promise<boolean> {
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

/** A meter's key versions (the fields of its row), structural so this file stays importable from Node. */
export interface WebhookKeys {
  id: string;
  webhookKeyVersion: number;
  previousKeyVersion: number | null;
  previousKeyExpiresAt: Date | null;
}

/** After a rotation, until when the previous secret is still accepted; null once it is not. */
export function previousSecretValidUntil(meter: WebhookKeys, now = new Date()): Date | null {
  return meter.previousKeyVersion !== null && meter.previousKeyExpiresAt && meter.previousKeyExpiresAt > now
    ? meter.previousKeyExpiresAt
    : null;
}

/** Whether the meter's current secret, or its previous one during the grace period, made `signatureHex`. */
export async function meterSignatureMatches(
  masterKey: string,
  meter: WebhookKeys,
  timestamp: string,
  body: Uint8Array<ArrayBuffer>,
  signatureHex: string,
): Promise<boolean> {
  const versions = [meter.webhookKeyVersion];
  if (meter.previousKeyVersion !== null && previousSecretValidUntil(meter)) versions.push(meter.previousKeyVersion);
  for (const version of versions) {
    if (await verifyWebhookSignature(await webhookSecret(masterKey, meter.id, version), timestamp, body, signatureHex)) return true;
  }
  return false;
}
