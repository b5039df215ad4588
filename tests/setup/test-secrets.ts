/** Fixed test-only secret for dev tokens, so tests can mint expired and forged ones. */
export const TEST_DEV_AUTH_SECRET = "test-only-dev-auth-secret-0123456789abcdef";
