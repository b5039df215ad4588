/**
 * Dev-only Worker: runs the forecast model for `vite dev`, whose module runner cannot reliably
 * load onnxruntime-web's 14 MB wasm (see scripts/local-stack/inference-sidecar.ts). The same
 * session module as production; tensors travel as JSON.
 */
import { forecastSession, Tensor } from "../../../worker/runs/forecast-session";

type WireTensor = { data: number[]; dims: number[] };

export default {
  async fetch(request: Request): Promise<Response> {
    // GET: load the session (readiness); POST: run it.
    if (request.method === "GET") return (await forecastSession()) ? new Response("ready") : new Response(null, { status: 503 });
    const feeds = (await request.json()) as Record<string, WireTensor>;
    const session = await forecastSession();
    const outputs = await session.run(
      Object.fromEntries(
        Object.entries(feeds).map(([name, tensor]) => [name, new Tensor("float32", Float32Array.from(tensor.data), tensor.dims)]),
      ),
    );
    return Response.json(
      Object.fromEntries(
        Object.entries(outputs).map(([name, tensor]) => [name, { data: Array.from(tensor.data as Float32Array), dims: tensor.dims }]),
      ),
    );
  },
};
