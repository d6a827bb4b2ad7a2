/** ‖X W - X W'‖² / ‖X W‖², both weights [K, N] or both [N, K] (`transposed`). */
export function outputError(x: Float32Array, rows: number, w: Float32Array, q: Float32Array, k: number, n: number, transposed: boolean): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < rows; i++) for (let c = 0; c < n; c++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < k; j++) {
      const at = transposed ? c * k + j : j * n + c;
      a += x[i * k + j]! * w[at]!;
      b += x[i * k + j]! * q[at]!;
    }
    e += (a - b) ** 2;
    s += a * a;
  }
  return e / s;
}
