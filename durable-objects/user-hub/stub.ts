import type { Env } from "../../worker/env";

/** The user's UserHub Durable Object: one per user, addressed by their id. */
export function userHub(env: Pick<Env, "USER_HUB">, userId: string) {
  return env.USER_HUB.get(env.USER_HUB.idFromName(userId));
}
