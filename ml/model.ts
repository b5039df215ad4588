// Numeric models used by training: ridge regression and a one-hidden-layer MLP (ReLU), both
// mapping the feature vector (ml/features.ts) to the 24 normalised hourly values. Pure TS.
// Inference in the product goes through the exported ONNX graph, never through this file;
// `predict` here exists for model selection and for the ONNX parity test.

export interface Dataset2D {
  n: number;
  f: number;
  x: Float32Array; // n * f
  y: Float32Array; // n * o, NaN = missing target (masked)
  o: number;
  /** Optional per-row weight of the squared error (default 1). */
  w?: Float32Array;
}

/** Dense layers: out = act(in @ W + b), W stored row-major [in, out]. */
export interface DenseLayer {
  inDim: number;
  outDim: number;
  w: Float64Array;
  b: Float64Array;
  relu: boolean;
}

export interface NetModel {
  kind: "ridge" | "mlp";
  layers: DenseLayer[];
  hyper: Record<string, number>;
}

export function predict(model: NetModel, x: ArrayLike<number>): Float64Array {
  let cur = Float64Array.from(x);
  for (const L of model.layers) {
    const out = Float64Array.from(L.b);
    for (let i = 0; i < L.inDim; i++) {
      const xi = cur[i];
      if (xi === 0) continue;
      const row = i * L.outDim;
      for (let j = 0; j < L.outDim; j++) out[j] += xi * L.w[row + j];
    }
    if (L.relu) for (let j = 0; j < L.outDim; j++) if (out[j] < 0) out[j] = 0;
    cur = out;
  }
  return cur;
}

/** Solves A x = B (A symmetric positive definite, n x n; B n x m) by Cholesky, in place copies. */
function choleskySolve(A: Float64Array, n: number, B: Float64Array, m: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (s <= 0) throw new Error("matrix not positive definite");
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const X = Float64Array.from(B);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = X[i * m + c];
      for (let k = 0; k < i; k++) s -= L[i * n + k] * X[k * m + c];
      X[i * m + c] = s / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = X[i * m + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * X[k * m + c];
      X[i * m + c] = s / L[i * n + i];
    }
  }
  return X;
}

/** Sufficient statistics of a weighted least-squares fit: A = X'WX, B = X'WY (X with an intercept column). */
export interface Gram {
  /** Number of features (the intercept is column f). */
  f: number;
  o: number;
  /** Rows used (rows with any missing target are skipped). */
  n: number;
  A: Float64Array; // (f+1)^2, symmetric
  B: Float64Array; // (f+1) * o
}

export function emptyGram(f: number, o: number): Gram {
  return { f, o, n: 0, A: new Float64Array((f + 1) * (f + 1)), B: new Float64Array((f + 1) * o) };
}

/** Adds the rows of `d` to `g` (in place); rows with any missing target are skipped. */
export function accumulateGram(g: Gram, d: Dataset2D): Gram {
  if (d.f !== g.f || d.o !== g.o) throw new Error("dataset and Gram shapes differ");
  const p = d.f + 1;
  const { A, B } = g;
  const row = new Float64Array(p);
  for (let r = 0; r < d.n; r++) {
    let ok = true;
    for (let j = 0; j < d.o; j++) if (Number.isNaN(d.y[r * d.o + j])) ok = false;
    if (!ok) continue;
    g.n++;
    const wr = d.w ? d.w[r] : 1;
    for (let i = 0; i < d.f; i++) row[i] = d.x[r * d.f + i];
    row[d.f] = 1;
    for (let i = 0; i < p; i++) {
      const ri = row[i] * wr;
      if (ri === 0) continue;
      const ai = i * p;
      for (let k = 0; k <= i; k++) A[ai + k] += ri * row[k];
      for (let j = 0; j < d.o; j++) B[i * d.o + j] += ri * d.y[r * d.o + j];
    }
  }
  return g;
}

/** Sum of Gram matrices (e.g. over the training households of a fold). */
export function addGrams(gs: Gram[]): Gram {
  const out = emptyGram(gs[0].f, gs[0].o);
  for (const g of gs) {
    out.n += g.n;
    for (let i = 0; i < g.A.length; i++) out.A[i] += g.A[i];
    for (let i = 0; i < g.B.length; i++) out.B[i] += g.B[i];
  }
  return out;
}

/** Ridge solution from a Gram matrix: penalty lambda on every weight, none on the intercept. */
export function solveRidge(g: Gram, lambda: number): NetModel {
  const p = g.f + 1;
  const A = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let k = 0; k <= i; k++) A[i * p + k] = A[k * p + i] = g.A[i * p + k];
  for (let i = 0; i < g.f; i++) A[i * p + i] += lambda;
  A[g.f * p + g.f] += 1e-9;
  const W = choleskySolve(A, p, g.B, g.o);
  return {
    kind: "ridge",
    hyper: { lambda },
    layers: [{ inDim: g.f, outDim: g.o, w: W.slice(0, g.f * g.o), b: W.slice(g.f * g.o), relu: false }],
  };
}

/** Ridge regression with an unpenalised intercept; rows with any missing target are skipped. */
export function fitRidge(d: Dataset2D, lambda: number): NetModel {
  return solveRidge(accumulateGram(emptyGram(d.f, d.o), d), lambda);
}

export interface MlpOptions {
  hidden: number;
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  seed: number;
  /** Called after each epoch (e.g. for validation); returning true stops training. */
  onEpoch?: (epoch: number, model: NetModel, trainLoss: number) => boolean | void;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Trains F -> hidden (ReLU) -> O with Adam on masked MSE. Deterministic for a given seed. */
export function fitMlp(d: Dataset2D, o: MlpOptions, rand: () => number): NetModel {
  const F = d.f;
  const H = o.hidden;
  const O = d.o;
  const L1: DenseLayer = { inDim: F, outDim: H, w: new Float64Array(F * H), b: new Float64Array(H), relu: true };
  const L2: DenseLayer = { inDim: H, outDim: O, w: new Float64Array(H * O), b: new Float64Array(O), relu: false };
  const s1 = Math.sqrt(2 / F);
  const s2 = Math.sqrt(1 / H);
  for (let i = 0; i < L1.w.length; i++) L1.w[i] = gaussian(rand) * s1;
  for (let i = 0; i < L2.w.length; i++) L2.w[i] = gaussian(rand) * s2;
  // Start the output bias at the mean target (about 1 after normalisation).
  for (let j = 0; j < O; j++) L2.b[j] = 1;
  const model: NetModel = {
    kind: "mlp",
    hyper: { hidden: H, epochs: o.epochs, batch: o.batch, lr: o.lr, weightDecay: o.weightDecay, seed: o.seed },
    layers: [L1, L2],
  };
  const params = [L1.w, L1.b, L2.w, L2.b];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const [g1w, g1b, g2w, g2b] = grads;
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  const idx = new Int32Array(d.n);
  for (let i = 0; i < d.n; i++) idx[i] = i;
  const h = new Float64Array(H);
  const dh = new Float64Array(H);
  const out = new Float64Array(O);
  const dout = new Float64Array(O);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = d.n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    // Cosine learning-rate decay over the whole run.
    let lossSum = 0;
    let lossCnt = 0;
    for (let b0 = 0; b0 < d.n; b0 += o.batch) {
      const b1 = Math.min(d.n, b0 + o.batch);
      for (const g of grads) g.fill(0);
      let cnt = 0;
      for (let bi = b0; bi < b1; bi++) {
        const r = idx[bi];
        const xo = r * F;
        // forward
        for (let k = 0; k < H; k++) h[k] = L1.b[k];
        for (let i = 0; i < F; i++) {
          const xi = d.x[xo + i];
          if (xi === 0) continue;
          const wr = i * H;
          for (let k = 0; k < H; k++) h[k] += xi * L1.w[wr + k];
        }
        for (let k = 0; k < H; k++) if (h[k] < 0) h[k] = 0;
        for (let j = 0; j < O; j++) out[j] = L2.b[j];
        for (let k = 0; k < H; k++) {
          const hk = h[k];
          if (hk === 0) continue;
          const wr = k * O;
          for (let j = 0; j < O; j++) out[j] += hk * L2.w[wr + j];
        }
        // loss gradient (masked, weighted MSE)
        const wr = d.w ? d.w[r] : 1;
        for (let j = 0; j < O; j++) {
          const y = d.y[r * O + j];
          if (Number.isNaN(y)) dout[j] = 0;
          else {
            const e = out[j] - y;
            dout[j] = 2 * e * wr;
            lossSum += e * e * wr;
            lossCnt++;
          }
        }
        cnt++;
        // backward
        for (let j = 0; j < O; j++) g2b[j] += dout[j];
        for (let k = 0; k < H; k++) {
          const hk = h[k];
          let s = 0;
          const wr = k * O;
          for (let j = 0; j < O; j++) {
            s += dout[j] * L2.w[wr + j];
            if (hk !== 0) g2w[wr + j] += hk * dout[j];
          }
          dh[k] = hk > 0 ? s : 0;
        }
        for (let k = 0; k < H; k++) g1b[k] += dh[k];
        for (let i = 0; i < F; i++) {
          const xi = d.x[xo + i];
          if (xi === 0) continue;
          const wr = i * H;
          for (let k = 0; k < H; k++) g1w[wr + k] += xi * dh[k];
        }
      }
      step++;
      const progress = (epoch + (b0 + o.batch) / d.n) / o.epochs;
      const lr = o.lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
      const bc1 = 1 - Math.pow(beta1, step);
      const bc2 = 1 - Math.pow(beta2, step);
      for (let p = 0; p < params.length; p++) {
        const P = params[p];
        const G = grads[p];
        const M = m1[p];
        const V = m2[p];
        const decay = p === 0 || p === 2 ? o.weightDecay : 0;
        for (let i = 0; i < P.length; i++) {
          const g = G[i] / cnt;
          M[i] = beta1 * M[i] + (1 - beta1) * g;
          V[i] = beta2 * V[i] + (1 - beta2) * g * g;
          P[i] -= lr * ((M[i] / bc1) / (Math.sqrt(V[i] / bc2) + 1e-8) + decay * P[i]);
        }
      }
    }
    if (o.onEpoch?.(epoch, model, lossSum / Math.max(1, lossCnt))) break;
  }
  return model;
}
