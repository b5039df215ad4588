// A small ONNX (protobuf) encoder for the dense models of ml/training/model.ts. No dependencies.
// Graph: input [batch, F] -> (MatMul -> Add [-> Relu])* -> output [batch, 24] (quantile outputs: Mul, MatMul, Add), opset 13,
// only ops that every onnxruntime backend (including onnxruntime-web wasm) supports.
import type { NetModel } from "./model.ts";

// ---- protobuf wire format -------------------------------------------------------------------
class Writer {
  private chunks: number[] = [];
  varint(v: number | bigint): this {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.chunks.push(Number((n & 0x7fn) | 0x80n));
      n >>= 7n;
    }
    this.chunks.push(Number(n));
    return this;
  }
  tag(field: number, wire: 0 | 1 | 2 | 5): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.chunks.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT

function tensor(name: string, dims: number[], data: ArrayLike<number>): Writer {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  w.string(8, name);
  const f = Float32Array.from(data);
  const raw = new Uint8Array(f.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < f.length; i++) view.setFloat32(i * 4, f[i], true);
  return w.bytes(9, raw);
}

function valueInfo(name: string, dims: (number | string)[]): Writer {
  const shape = new Writer();
  for (const d of dims) {
    const dim = new Writer();
    if (typeof d === "number") dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tt = new Writer().int(1, FLOAT).message(2, shape);
  const type = new Writer().message(1, tt);
  return new Writer().string(1, name).message(2, type);
}

function node(op: string, inputs: string[], outputs: string[], name: string): Writer {
  const w = new Writer();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name);
  w.string(4, op);
  return w;
}

export interface ExportOptions {
  inputName: string;
  outputName: string;
  producerVersion: string;
  /**
   * Extra outputs per horizon hour: name = output * multiplier + input @ weights + offset, weights row-major
   * [features, outputs] (the calibrated quantiles p10/p90 of ml/training/quantiles.ts).
   */
  linearOutputs?: { name: string; multiplier: number[]; offset: number[]; weights: ArrayLike<number> }[];
  /** Stored as metadata_props in the model. */
  metadata?: Record<string, string>;
  docString?: string;
}

export const OPSET = 13;
export const IR_VERSION = 8;

/** Encodes a dense model as an ONNX ModelProto. */
export function encodeOnnx(model: NetModel, opts: ExportOptions): Uint8Array {
  const graph = new Writer();
  let cur = opts.inputName;
  const inits: Writer[] = [];
  model.layers.forEach((L, i) => {
    const last = i === model.layers.length - 1;
    const w = `W${i}`;
    const b = `B${i}`;
    inits.push(tensor(w, [L.inDim, L.outDim], L.w), tensor(b, [L.outDim], L.b));
    const mm = `mm${i}`;
    graph.message(1, node("MatMul", [cur, w], [mm], `matmul${i}`));
    const add = last && !L.relu ? opts.outputName : `add${i}`;
    graph.message(1, node("Add", [mm, b], [add], `add${i}`));
    cur = add;
    if (L.relu) {
      const r = last ? opts.outputName : `relu${i}`;
      graph.message(1, node("Relu", [add], [r], `relu${i}`));
      cur = r;
    }
  });
  for (const q of opts.linearOutputs ?? []) {
    const F = model.layers[0].inDim;
    inits.push(
      tensor(`${q.name}_multiplier`, [q.multiplier.length], q.multiplier),
      tensor(`${q.name}_weights`, [F, q.offset.length], q.weights),
      tensor(`${q.name}_offset`, [q.offset.length], q.offset),
    );
    graph.message(1, node("Mul", [opts.outputName, `${q.name}_multiplier`], [`${q.name}_scaled`], `${q.name}_mul`));
    graph.message(1, node("MatMul", [opts.inputName, `${q.name}_weights`], [`${q.name}_from_inputs`], `${q.name}_matmul`));
    graph.message(1, node("Add", [`${q.name}_scaled`, `${q.name}_from_inputs`], [`${q.name}_sum`], `${q.name}_add_inputs`));
    graph.message(1, node("Add", [`${q.name}_sum`, `${q.name}_offset`], [q.name], `${q.name}_add_offset`));
  }
  graph.string(2, `wattboard_forecast_${model.kind}`);
  for (const t of inits) graph.message(5, t);
  if (opts.docString) graph.string(10, opts.docString);
  const F = model.layers[0].inDim;
  const O = model.layers[model.layers.length - 1].outDim;
  graph.message(11, valueInfo(opts.inputName, ["batch", F]));
  graph.message(12, valueInfo(opts.outputName, ["batch", O]));
  for (const q of opts.linearOutputs ?? []) graph.message(12, valueInfo(q.name, ["batch", O]));

  const m = new Writer();
  m.int(1, IR_VERSION);
  m.string(2, "wattboard-ml");
  m.string(3, opts.producerVersion);
  m.message(7, graph);
  m.message(8, new Writer().string(1, "").int(2, OPSET));
  for (const [k, v] of Object.entries(opts.metadata ?? {})) m.message(14, new Writer().string(1, k).string(2, v));
  return m.finish();
}
