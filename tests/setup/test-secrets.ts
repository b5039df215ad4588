/** Fixed test-only secret for dev tokens, so tests can mint expired and forged ones. */
export const TEST_DEV_AUTH_SECRET = "test-only-dev-auth-secret-0123456789abcdef";

/** Fixed test-only master key for webhook secrets. */
export const TEST_WEBHOOK_SECRET_KEY = "test-only-webhook-master-key-fedcba9876543210";

/** Fixed test-only secret for opencode's tool calls back to the Worker. */
export const TEST_OPENCODE_TOOL_SECRET = "test-only-opencode-tool-secret-0123456789";
