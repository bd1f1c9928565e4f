/**
 * The Householder QR (src/linalg/householder.ts) against its definition, with mathjs doing the
 * matrix products: Q built from the stored reflectors H_j = I − τ_j v_j v_jᵀ, then Q R = A to
 * 1e-13 of ‖A‖, Qᵀ Q = I, R upper triangular; `applyQt` against mathjs's Qᵀ w; `reflector`
 * against H (α; x) = (β; 0); `norm2` exact near 2^±900 and against Math.hypot.
 */
import fc from 'fast-check';
import { identity, multiply, subtract, transpose, type Matrix } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { applyQt, householderQr, norm2, reflector } from '../../src/linalg/householder.js';
import { floats } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';

const FC = { seed: 20203, numRuns: 80 };

/** Column-major m x n Float64Array → row-major nested array. */
function rowsOf(a: Float64Array, m: number, n: number): number[][] {
  return Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_j, j) => a[j * m + i]));
}

/** The m x m orthogonal Q = H₀ H₁ … H_{k−1}, each H_j = I − τ_j v_j v_jᵀ formed by mathjs. */
function qFromReflectors(qr: ReturnType<typeof householderQr>): number[][] {
  const { rows: m, k, a, tau } = qr;
  let q = (identity(m) as Matrix).toArray() as number[][];
  for (let j = 0; j < k; j++) {
    const v = Array.from({ length: m }, (_, i) => (i < j ? 0 : i === j ? 1 : a[j * m + i]));
    const h = v.map((vi, i) => v.map((vl, l) => (i === l ? 1 : 0) - tau[j] * vi * vl));
    q = multiply(q, h) as number[][];
  }
  return q;
}

/** R: the upper triangle of the factorised array (m x n, zeros below the diagonal). */
function rOf(qr: ReturnType<typeof householderQr>): number[][] {
  const { rows: m, cols: n, a } = qr;
  return Array.from({ length: m }, (_, i) =>
    Array.from({ length: n }, (_j, j) => (i <= j ? a[j * m + i] : 0)),
  );
}

/** max |entry| of a nested array. */
function maxAbs(x: number[][]): number {
  return Math.max(0, ...x.flat().map(Math.abs));
}

/** Checks A = Q R to 1e-13 of max |A| and Qᵀ Q = I to 1e-13, for A (m x n column-major). */
function expectFactorises(a0: Float64Array, m: number, n: number): void {
  const qr = householderQr(a0.slice(), m, n);
  expect(qr.k).toBe(Math.min(m, n));
  const q = qFromReflectors(qr);
  const r = rOf(qr);
  const a = rowsOf(a0, m, n);
  const scale = maxAbs(a);
  const residual = maxAbs(subtract(multiply(q, r), a) as number[][]);
  expect(residual).toBeLessThanOrEqual(1e-13 * scale);
  const eye = (identity(m) as Matrix).toArray() as number[][];
  expect(maxAbs(subtract(multiply(transpose(q), q), eye) as number[][])).toBeLessThanOrEqual(1e-13);
  // R was read from the array's upper triangle only, so Q R = A also says that the array holds
  // R there (and the reflectors' tails, not R, below the diagonal).
}

describe('householderQr', () => {
  it('the doc example: A = (3; 4) gives R = [−5] (dlarfg: β has the sign opposite α)', () => {
    const qr = householderQr(Float64Array.of(3, 4), 2, 1);
    expect(qr.a[0]).toBe(-5);
    // H = I − τ v vᵀ, v = (1, 4 / (3 + 5)) = (1, 0.5), τ = (β − α)/β = 8/5.
    expect(qr.a[1]).toBe(0.5);
    expect(qr.tau[0]).toBe(1.6);
  });

  it('Q R reconstructs A to 1e-13 and Qᵀ Q = I, tall and wide (m, n ≤ 9)', () => {
    fc.assert(
      fc.property(
        fc
          .record({ m: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }) })
          .chain(({ m, n }) => fc.tuple(fc.constant(m), fc.constant(n), floats(m * n, -1, 1))),
        ([m, n, a]) => expectFactorises(a, m, n),
      ),
      FC,
    );
  });

  it('R is upper triangular: RᵀR = AᵀA (the columns keep their norms and angles)', () => {
    const m = 5;
    const n = 3;
    const a = Float64Array.from({ length: m * n }, (_, i) => Math.sin(1.3 * i + 0.2));
    const qr = householderQr(a.slice(), m, n);
    const r = rOf(qr).slice(0, n); // the k x n top; rows below are zero
    const rtr = multiply(transpose(r), r) as number[][];
    const ata = multiply(transpose(rowsOf(a, m, n)), rowsOf(a, m, n)) as number[][];
    expectClose(rtr.flat(), ata.flat(), { rtol: 1e-13, atol: 1e-13 });
  });

  it('a zero column takes no reflector (τ = 0) and still factorises', () => {
    const a = Float64Array.of(0, 0, 0, 1, 2, 2); // 3 x 2, first column zero
    const qr = householderQr(a.slice(), 3, 2);
    expect(qr.tau[0]).toBe(0);
    expectFactorises(a, 3, 2);
    // The second column's norm: ‖(1, 2, 2)‖ = 3, reflected past its first entry (α = 2 after
    // the zero column leaves it as it is): R = [[0, 1], [0, ∓√8]].
    expect(Math.abs(qr.a[3 + 1])).toBeCloseTo(Math.sqrt(8), 14);
  });

  it('columns near 2^±1000 factorise without overflow or underflow (relative 1e-13)', () => {
    for (const scale of [2 ** 1000, 2 ** -900, 2 ** -1000]) {
      const m = 4;
      const n = 2;
      const base = Float64Array.from({ length: m * n }, (_, i) => 1 + Math.cos(i));
      const a = base.map((v) => v * scale);
      const qr = householderQr(a.slice(), m, n);
      expect(Array.from(qr.a).every(Number.isFinite)).toBe(true);
      // The same Q as the unscaled matrix and R scaled by the same power of two.
      const plain = householderQr(base.slice(), m, n);
      const tol = 1e-13;
      expectClose(Array.from(qr.tau), Array.from(plain.tau), { rtol: tol, atol: tol });
      for (let j = 0; j < n; j++) {
        for (let i = 0; i <= j; i++) {
          expectClose(qr.a[j * m + i] / scale, plain.a[j * m + i], { rtol: tol, atol: tol });
        }
      }
    }
  });
});

describe('applyQt', () => {
  it('w ← Qᵀ w equals mathjs’s Qᵀ w for Q from the reflectors', () => {
    fc.assert(
      fc.property(
        fc
          .record({ m: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 6 }) })
          .chain(({ m, n }) =>
            fc.tuple(fc.constant(m), fc.constant(n), floats(m * n, -2, 2), floats(m, -3, 3)),
          ),
        ([m, n, a, w]) => {
          const qr = householderQr(a.slice(), m, n);
          const expected = multiply(transpose(qFromReflectors(qr)), Array.from(w)) as number[];
          const got = w.slice();
          applyQt(qr, got);
          expectClose(got, expected, { rtol: 1e-13, atol: 1e-13 });
        },
      ),
      FC,
    );
  });

  it('a column of A maps into the first k coordinates: Qᵀ a_0 = (r_00, 0, …, 0)', () => {
    const a = Float64Array.of(1, 2, 2, 0, 1, 0); // 3 x 2; first column (1, 2, 2), norm 3
    const qr = householderQr(a.slice(), 3, 2);
    const w = Float64Array.of(1, 2, 2);
    applyQt(qr, w);
    expectClose(w, [-3, 0, 0], { rtol: 1e-15, atol: 1e-15 });
  });
});

describe('reflector (dlarfg)', () => {
  it('H (α; x) = (β; 0) with |β| = ‖(α; x)‖, sign(β) = −sign(α), τ ∈ [1, 2]', () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), floats(4, -5, 5), (alpha, x) => {
        fc.pre(x.some((v) => v !== 0));
        const store = Float64Array.of(99, ...x); // the tail sits at [1, 5)
        const { beta, tau } = reflector(store, 1, 5, alpha);
        const norm = Math.hypot(alpha, ...x);
        expectClose(Math.abs(beta), norm, { rtol: 1e-15, atol: 0 });
        expect(Math.sign(beta)).toBe(alpha < 0 ? 1 : -1);
        expect(tau).toBeGreaterThanOrEqual(1);
        expect(tau).toBeLessThanOrEqual(2);
        expect(store[0]).toBe(99); // outside [from, to) untouched
        // Apply H = I − τ v vᵀ, v = (1; store[1..5)), to (α; x) by hand.
        const v = [1, ...store.subarray(1)];
        const u = [alpha, ...x];
        const vu = v.reduce((s, vi, i) => s + vi * u[i], 0);
        const hu = u.map((ui, i) => ui - tau * v[i] * vu);
        expectClose(hu, [beta, 0, 0, 0, 0], { rtol: 1e-14, atol: 1e-14 * norm });
      }),
      FC,
    );
  });

  it('x = 0 gives τ = 0, β = α and leaves x as it is', () => {
    const store = Float64Array.of(0, 0, 0);
    expect(reflector(store, 0, 3, -2.5)).toEqual({ beta: -2.5, tau: 0 });
    expect(Array.from(store)).toEqual([0, 0, 0]);
  });

  it('a tiny column (norm 5·2⁻¹⁰⁰⁰) keeps every digit: β = −5·2⁻¹⁰⁰⁰ exactly', () => {
    const t = 2 ** -1000;
    const store = Float64Array.of(4 * t);
    const { beta, tau } = reflector(store, 0, 1, 3 * t);
    expect(beta).toBe(-5 * t);
    expect(tau).toBe(1.6);
    expect(store[0]).toBe(0.5); // v = (1; 4 / (3 + 5)), independent of the scale
  });
});

describe('reflector on subnormal columns', () => {
  it('(3; 4)·2⁻¹⁰⁷⁰: 1 / (α − β) would overflow unscaled; v, τ and β come out exact', () => {
    const t = 2 ** -1070;
    const store = Float64Array.of(4 * t);
    const { beta, tau } = reflector(store, 0, 1, 3 * t);
    expect(beta).toBe(-5 * t);
    expect(tau).toBe(1.6);
    expect(store[0]).toBe(0.5);
  });

  it('householderQr of a subnormal matrix stays finite', () => {
    const t = 2 ** -1070;
    const qr = householderQr(Float64Array.of(3 * t, 4 * t, 0, t, 2 * t, 2 * t), 3, 2);
    expect(Array.from(qr.a).every(Number.isFinite)).toBe(true);
    expect(qr.a[0]).toBe(-5 * t);
  });
});

describe('norm2', () => {
  it('the 3-4-5 triangle, plain and near 2^±900 and 2^±1000, exactly (no overflow or underflow)', () => {
    for (const s of [1, 2 ** 900, 2 ** -900, 2 ** 1000, 2 ** -1000, 2 ** -600]) {
      expect(norm2(Float64Array.of(3 * s, 4 * s), 0, 2)).toBe(5 * s);
    }
  });

  it('the largest doubles: ‖(MAX, MAX)‖ = MAX √2 overflows only as the exact value does', () => {
    const max = Number.MAX_VALUE;
    expectClose(norm2(Float64Array.of(max / 2, max / 2), 0, 2), (max / 2) * Math.SQRT2, {
      rtol: 1e-15,
      atol: 0,
    });
    expect(norm2(Float64Array.of(max, 0), 0, 2)).toBe(max);
    expect(norm2(Float64Array.of(max, max), 0, 2)).toBe(Infinity); // exact √2 MAX > MAX
  });

  it('subnormal entries: ‖(3, 4)·2⁻¹⁰⁷⁰‖ = 5·2⁻¹⁰⁷⁰', () => {
    const t = 2 ** -1070;
    expect(norm2(Float64Array.of(3 * t, 4 * t), 0, 2)).toBe(5 * t);
  });

  it('only the slice [from, to) is read; an empty or zero slice gives 0', () => {
    const a = Float64Array.of(1e308, 3, 4, NaN);
    expect(norm2(a, 1, 3)).toBe(5);
    expect(norm2(a, 2, 2)).toBe(0);
    expect(norm2(new Float64Array(5), 0, 5)).toBe(0);
  });

  it('agrees with Math.hypot for entries of any magnitude (2^±1000)', () => {
    const magnitude = fc
      .tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: -1000, max: 1000 }))
      .map(([m, e]) => m * 2 ** e);
    fc.assert(
      fc.property(fc.array(magnitude, { minLength: 1, maxLength: 12 }), (xs) => {
        const a = Float64Array.from(xs);
        const expected = Math.hypot(...xs);
        expectClose(norm2(a, 0, a.length), expected, { rtol: 4e-16 * xs.length, atol: 0 });
      }),
      FC,
    );
  });
});
