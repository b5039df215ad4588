/**
 * `vite dev` only (vite.config.ts swaps it in for ./forecast-session): the forecast session of the
 * dev inference sidecar (scripts/local-stack/inference-sidecar.ts), with the same exports, so
 * the code that runs the model is the same in dev and in production.
 */
import { env } from "cloudflare:workers";
import type { SessionLike } from "../../ml/runtime/forecast";

/** onnxruntime's Tensor, as far as the forecast code uses it: a typed array with its shape. */
export class Tensor {
  constructor(
    readonly type: "float32",
    readonly data: Float32Array,
    readonly dims: readonly number[],
  ) {}
}

function sidecarUrl(): string {
  const url = (env as { DEV_INFERENCE_URL?: string }).DEV_INFERENCE_URL;
  if (!url) throw new Error("DEV_INFERENCE_URL is not set: start the app with `npm run dev`");
  return url;
}

const session: SessionLike = {
  async run(feeds) {
    const url = sidecarUrl();
    const body = Object.fromEntries(
      Object.entries(feeds).map(([name, tensor]) => [name, { data: Array.from((tensor as Tensor).data), dims: (tensor as Tensor).dims }]),
    );
    const response = await fetch(url, { method: "POST", body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`the dev inference sidecar answered ${response.status}`);
    const outputs = (await response.json()) as Record<string, { data: number[]; dims: number[] }>;
    return Object.fromEntries(
      Object.entries(outputs).map(([name, tensor]) => [name, new Tensor("float32", Float32Array.from(tensor.data), tensor.dims)]),
    );
  },
};

let ready: Promise<SessionLike> | undefined;

/** Like the real one: resolves once the sidecar has loaded the model, then reuses it. */
export function forecastSession(): Promise<SessionLike> {
  ready ??= fetch(sidecarUrl()).then((response) => {
    if (!response.ok) throw new Error(`the dev inference sidecar answered ${response.status}`);
    return session;
  });
  ready.catch(() => (ready = undefined));
  return ready;
}
