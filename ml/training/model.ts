// Numeric models used by training: ridge regression and a one-hidden-layer ReLU MLP fitted to the
// ridge residual, both mapping the feature vector (ml/runtime/features.ts) to the 24 normalised hourly values. Pure TS.
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

/** Sum of Gram matrices (e.g. over the training households of a fold), optionally weighted per Gram. */
export function addGrams(gs: Gram[], weights?: number[]): Gram {
  const out = emptyGram(gs[0].f, gs[0].o);
  gs.forEach((g, k) => {
    const w = weights ? weights[k] : 1;
    out.n += g.n;
    for (let i = 0; i < g.A.length; i++) out.A[i] += w * g.A[i];
    for (let i = 0; i < g.B.length; i++) out.B[i] += w * g.B[i];
  });
  return out;
}

/** The sub-Gram of a column subset (the intercept stays last). */
export function subGram(g: Gram, cols: number[]): Gram {
  const idx = [...cols, g.f];
  const p = g.f + 1;
  const q = idx.length;
  const out = emptyGram(cols.length, g.o);
  out.n = g.n;
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      const i = Math.max(idx[a], idx[b]);
      const k = Math.min(idx[a], idx[b]);
      out.A[a * q + b] = g.A[i * p + k];
    }
    for (let j = 0; j < g.o; j++) out.B[a * g.o + j] = g.B[idx[a] * g.o + j];
  }
  return out;
}

/**
 * Per-household loss weights ensemble_cvrmse^-p, mean 1: each training household counts by how
 * predictable its own history is (its persistence-ensemble cvrmse), so a few erratic homes do not
 * dominate the squared loss; the goal is a median over households of a ratio to that ensemble.
 */
export function householdWeights(ensembleCvrmse: number[], p: number): number[] {
  const w = ensembleCvrmse.map((c) => c ** -p);
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  return w.map((x) => x / mean);
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
  /** Decoupled weight decay on the weight matrices. */
  weightDecay: number;
  seed: number;
  /** Called after each epoch with the weighted training mse of the residual. */
  onEpoch?: (epoch: number, trainMse: number) => void;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A one-hidden-layer ReLU MLP fitted (Adam, cosine learning rate, masked weighted MSE) to the
 * residual of a fixed ridge model, on inputs standardised over `d`. The output layer starts at
 * zero, so training starts from the ridge forecast. Returned as one plain MLP (MatMul/Add/Relu
 * for ONNX): the standardisation is folded into the first layer, and the ridge part rides through
 * the hidden layer as relu(z) - relu(-z) = z with 2 x 24 extra units. Deterministic for a seed.
 */
export function fitResidualMlp(d: Dataset2D, ridge: NetModel, o: MlpOptions, rand: () => number): NetModel {
  const F = d.f;
  const H = o.hidden;
  const O = d.o;
  const R = ridge.layers[0];
  if (ridge.layers.length !== 1 || R.inDim !== F || R.outDim !== O) throw new Error("ridge model does not match the data");
  // Standardised inputs and the ridge residual as target.
  const X = new Float32Array(d.n * F);
  const Y = new Float32Array(d.n * O);
  const mu = new Float64Array(F);
  const sd = new Float64Array(F);
  for (let r = 0; r < d.n; r++) for (let i = 0; i < F; i++) mu[i] += d.x[r * F + i] / d.n;
  for (let r = 0; r < d.n; r++) for (let i = 0; i < F; i++) sd[i] += (d.x[r * F + i] - mu[i]) ** 2 / d.n;
  for (let i = 0; i < F; i++) sd[i] = Math.sqrt(sd[i]) || 1;
  for (let r = 0; r < d.n; r++) {
    const base = predict(ridge, d.x.subarray(r * F, (r + 1) * F));
    for (let i = 0; i < F; i++) X[r * F + i] = (d.x[r * F + i] - mu[i]) / sd[i];
    for (let j = 0; j < O; j++) Y[r * O + j] = d.y[r * O + j] - base[j];
  }
  const W1 = new Float32Array(F * H).map(() => gaussian(rand) * Math.sqrt(2 / F));
  const b1 = new Float32Array(H);
  const W2 = new Float32Array(H * O);
  const b2 = new Float32Array(O);
  const params = [W1, b1, W2, b2];
  const grads = params.map((p) => new Float32Array(p.length));
  const m1 = params.map((p) => new Float32Array(p.length));
  const m2 = params.map((p) => new Float32Array(p.length));
  const [g1w, g1b, g2w, g2b] = grads;
  const idx = Int32Array.from({ length: d.n }, (_, i) => i);
  const h = new Float32Array(H);
  const dh = new Float32Array(H);
  const dout = new Float32Array(O);
  const steps = Math.ceil(d.n / o.batch) * o.epochs;
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = d.n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    let loss = 0;
    let count = 0;
    for (let b0 = 0; b0 < d.n; b0 += o.batch) {
      const bEnd = Math.min(d.n, b0 + o.batch);
      for (const g of grads) g.fill(0);
      for (let bi = b0; bi < bEnd; bi++) {
        const r = idx[bi];
        const xo = r * F;
        h.set(b1);
        for (let i = 0; i < F; i++) {
          const xi = X[xo + i];
          const wo = i * H;
          for (let k = 0; k < H; k++) h[k] += xi * W1[wo + k];
        }
        for (let k = 0; k < H; k++) if (h[k] < 0) h[k] = 0;
        const wr = d.w ? d.w[r] : 1;
        for (let j = 0; j < O; j++) {
          const y = Y[r * O + j];
          if (Number.isNaN(y)) {
            dout[j] = 0;
            continue;
          }
          let out = b2[j];
          for (let k = 0; k < H; k++) out += h[k] * W2[k * O + j];
          const e = out - y;
          loss += e * e * wr;
          count++;
          dout[j] = 2 * e * wr;
          g2b[j] += dout[j];
        }
        for (let k = 0; k < H; k++) {
          if (h[k] === 0) {
            dh[k] = 0;
            continue;
          }
          let s = 0;
          const wo = k * O;
          for (let j = 0; j < O; j++) {
            s += dout[j] * W2[wo + j];
            g2w[wo + j] += h[k] * dout[j];
          }
          dh[k] = s;
          g1b[k] += s;
        }
        for (let i = 0; i < F; i++) {
          const xi = X[xo + i];
          const wo = i * H;
          for (let k = 0; k < H; k++) g1w[wo + k] += xi * dh[k];
        }
      }
      step++;
      const lr = o.lr * 0.5 * (1 + Math.cos((Math.PI * step) / steps));
      const bc1 = 1 - 0.9 ** step;
      const bc2 = 1 - 0.999 ** step;
      const cnt = bEnd - b0;
      for (let p = 0; p < params.length; p++) {
        const P = params[p];
        const G = grads[p];
        const M = m1[p];
        const V = m2[p];
        const decay = p === 0 || p === 2 ? o.weightDecay : 0;
        for (let i = 0; i < P.length; i++) {
          const g = G[i] / cnt;
          M[i] = 0.9 * M[i] + 0.1 * g;
          V[i] = 0.999 * V[i] + 0.001 * g * g;
          P[i] -= lr * (M[i] / bc1 / (Math.sqrt(V[i] / bc2) + 1e-8) + decay * P[i]);
        }
      }
    }
    o.onEpoch?.(epoch, loss / Math.max(1, count));
  }
  // Fold into hidden = [relu(W1 std(x) + b1), relu(ridge(x)), relu(-ridge(x))], out = W2 h + b2 + h+ - h-.
  const HW = H + 2 * O;
  const L1: DenseLayer = { inDim: F, outDim: HW, w: new Float64Array(F * HW), b: new Float64Array(HW), relu: true };
  const L2: DenseLayer = { inDim: HW, outDim: O, w: new Float64Array(HW * O), b: Float64Array.from(b2), relu: false };
  for (let k = 0; k < H; k++) {
    let bias = b1[k];
    for (let i = 0; i < F; i++) {
      L1.w[i * HW + k] = W1[i * H + k] / sd[i];
      bias -= (W1[i * H + k] * mu[i]) / sd[i];
    }
    L1.b[k] = bias;
    for (let j = 0; j < O; j++) L2.w[k * O + j] = W2[k * O + j];
  }
  for (let j = 0; j < O; j++) {
    for (let i = 0; i < F; i++) {
      L1.w[i * HW + H + j] = R.w[i * O + j];
      L1.w[i * HW + H + O + j] = -R.w[i * O + j];
    }
    L1.b[H + j] = R.b[j];
    L1.b[H + O + j] = -R.b[j];
    L2.w[(H + j) * O + j] = 1;
    L2.w[(H + O + j) * O + j] = -1;
  }
  return {
    kind: "mlp",
    hyper: { ...ridge.hyper, hidden: H, epochs: o.epochs, batch: o.batch, lr: o.lr, weightDecay: o.weightDecay, seed: o.seed },
    layers: [L1, L2],
  };
}
