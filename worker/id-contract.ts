/** The shapes of ids that arrive in paths and tokens, checked before they reach a query. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Share tokens: 32 random bytes in base64url (43 characters). */
export const SHARE_TOKEN_PATTERN = "[A-Za-z0-9_-]{43}";
const SHARE_TOKEN = new RegExp(`^${SHARE_TOKEN_PATTERN}$`);

export const isUuid = (text: string) => UUID.test(text);
export const isShareToken = (text: string) => SHARE_TOKEN.test(text);
