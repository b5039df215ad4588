/**
 * A generic webhook's signing secret must be read again at every delivery, so unlike the meters'
 * derived secrets it is stored, encrypted: AES-256-GCM under a key derived (HKDF-SHA-256) from
 * WEBHOOK_SECRET_KEY, with the channel's id as additional data so a ciphertext copied to another
 * row does not decrypt. Stored as `v1.<base64 iv>.<base64 ciphertext>`. A leaked database alone
 * leaks no secret.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function channelSecretKey(masterKey: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", encoder.encode(masterKey), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("wattboard-alert-channel-secret:v1") },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function encryptChannelSecret(masterKey: string, channelId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(channelId) },
    await channelSecretKey(masterKey),
    encoder.encode(secret),
  );
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** The secret, or an Error when the stored value does not open with this key (rotated master key). */
export async function decryptChannelSecret(masterKey: string, channelId: string, stored: string): Promise<string> {
  const [version, iv, sealed] = stored.split(".");
  if (version !== "v1" || !iv || !sealed) throw new Error("the stored signing secret has an unknown format");
  try {
    const opened = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(channelId) },
      await channelSecretKey(masterKey),
      fromBase64(sealed),
    );
    return decoder.decode(opened);
  } catch {
    throw new Error("the signing secret cannot be decrypted (was WEBHOOK_SECRET_KEY changed?)");
  }
}
