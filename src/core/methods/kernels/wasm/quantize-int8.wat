;; Int8 quantization kernels in WebAssembly SIMD, for big weight tensors.
;; Same arithmetic as ONNX QuantizeLinear: q = saturate(round_half_to_even(x / scale) + zero_point),
;; with float32 division (f32x4.div), ties to even (f32x4.nearest) and saturation by the
;; narrowing instructions. The host copies x into memory, calls, and copies q out.
;; Regenerate quantize-int8-wasm.ts with `node scripts/build-wasm-kernels.mjs`.
(module
  (memory (export "memory") 1)

  ;; Per-channel [min, max] of x laid out [rows, channels] (channels innermost).
  ;; lo and hi (f32 x channels) must start at 0. NaN propagates into lo/hi.
  (func (export "range_interleaved") (param $x i32) (param $rows i32) (param $channels i32) (param $lo i32) (param $hi i32)
    (local $r i32) (local $c i32) (local $p i32) (local $v v128) (local $vec_end i32) (local $s f32)
    (local.set $vec_end (i32.and (local.get $channels) (i32.const -4)))
    (local.set $p (local.get $x))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $c) (local.get $vec_end)))
            (local.set $v (v128.load (local.get $p)))
            (v128.store
              (i32.add (local.get $lo) (i32.shl (local.get $c) (i32.const 2)))
              (f32x4.min (v128.load (i32.add (local.get $lo) (i32.shl (local.get $c) (i32.const 2)))) (local.get $v)))
            (v128.store
              (i32.add (local.get $hi) (i32.shl (local.get $c) (i32.const 2)))
              (f32x4.max (v128.load (i32.add (local.get $hi) (i32.shl (local.get $c) (i32.const 2)))) (local.get $v)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $c) (local.get $channels)))
            (local.set $s (f32.load (local.get $p)))
            (f32.store
              (i32.add (local.get $lo) (i32.shl (local.get $c) (i32.const 2)))
              (f32.min (f32.load (i32.add (local.get $lo) (i32.shl (local.get $c) (i32.const 2)))) (local.get $s)))
            (f32.store
              (i32.add (local.get $hi) (i32.shl (local.get $c) (i32.const 2)))
              (f32.max (f32.load (i32.add (local.get $hi) (i32.shl (local.get $c) (i32.const 2)))) (local.get $s)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; [min, max] of `count` contiguous floats at x, folded into *lo and *hi (one channel's block).
  (func (export "range_block") (param $x i32) (param $count i32) (param $lo i32) (param $hi i32)
    (local $p i32) (local $end i32) (local $vec_end i32) (local $vmin v128) (local $vmax v128) (local $v v128)
    (local $mn f32) (local $mx f32) (local $s f32)
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $vec_end (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (local.set $vmin (f32x4.splat (f32.load (local.get $lo))))
    (local.set $vmax (f32x4.splat (f32.load (local.get $hi))))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $p) (local.get $vec_end)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $vmin (f32x4.min (local.get $vmin) (local.get $v)))
        (local.set $vmax (f32x4.max (local.get $vmax) (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vec)))
    (local.set $mn (f32.min
      (f32.min (f32x4.extract_lane 0 (local.get $vmin)) (f32x4.extract_lane 1 (local.get $vmin)))
      (f32.min (f32x4.extract_lane 2 (local.get $vmin)) (f32x4.extract_lane 3 (local.get $vmin)))))
    (local.set $mx (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $vmax)) (f32x4.extract_lane 1 (local.get $vmax)))
      (f32.max (f32x4.extract_lane 2 (local.get $vmax)) (f32x4.extract_lane 3 (local.get $vmax)))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.load (local.get $p)))
        (local.set $mn (f32.min (local.get $mn) (local.get $s)))
        (local.set $mx (f32.max (local.get $mx) (local.get $s)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
    (f32.store (local.get $lo) (local.get $mn))
    (f32.store (local.get $hi) (local.get $mx)))

  ;; One value: saturate(nearest(x / s) + z) into [-128, 127].
  (func $quantize_one (param $x f32) (param $s f32) (param $z i32) (result i32)
    (local $q i32)
    (local.set $q (i32.trunc_sat_f32_s (f32.nearest (f32.div (local.get $x) (local.get $s)))))
    ;; Clamp before adding the zero point so the sum cannot wrap.
    (local.set $q (select (i32.const -1000) (local.get $q) (i32.lt_s (local.get $q) (i32.const -1000))))
    (local.set $q (select (i32.const 1000) (local.get $q) (i32.gt_s (local.get $q) (i32.const 1000))))
    (local.set $q (i32.add (local.get $q) (local.get $z)))
    (local.set $q (select (i32.const -128) (local.get $q) (i32.lt_s (local.get $q) (i32.const -128))))
    (select (i32.const 127) (local.get $q) (i32.gt_s (local.get $q) (i32.const 127))))

  ;; Four lanes: nearest(x / s) as i32, clamped to +-1000, plus z (i32x4).
  (func $quantize4 (param $x v128) (param $s v128) (param $z v128) (result v128)
    (i32x4.add
      (i32x4.max_s (i32x4.min_s
        (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.div (local.get $x) (local.get $s))))
        (i32x4.splat (i32.const 1000))) (i32x4.splat (i32.const -1000)))
      (local.get $z)))

  ;; x [rows, channels] -> q, with scales (f32 x channels) and zero points (i32 x channels).
  (func (export "quantize_interleaved") (param $x i32) (param $q i32) (param $rows i32) (param $channels i32) (param $scales i32) (param $zps i32)
    (local $r i32) (local $c i32) (local $px i32) (local $pq i32) (local $vec_end i32) (local $o i32)
    (local.set $vec_end (i32.and (local.get $channels) (i32.const -16)))
    (local.set $px (local.get $x))
    (local.set $pq (local.get $q))
    (block $rows_done
      (loop $row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $c) (local.get $vec_end)))
            (local.set $o (i32.shl (local.get $c) (i32.const 2)))
            (v128.store (local.get $pq)
              (i8x16.narrow_i16x8_s
                (i16x8.narrow_i32x4_s
                  (call $quantize4 (v128.load (local.get $px))
                    (v128.load (i32.add (local.get $scales) (local.get $o))) (v128.load (i32.add (local.get $zps) (local.get $o))))
                  (call $quantize4 (v128.load offset=16 (local.get $px))
                    (v128.load offset=16 (i32.add (local.get $scales) (local.get $o))) (v128.load offset=16 (i32.add (local.get $zps) (local.get $o)))))
                (i16x8.narrow_i32x4_s
                  (call $quantize4 (v128.load offset=32 (local.get $px))
                    (v128.load offset=32 (i32.add (local.get $scales) (local.get $o))) (v128.load offset=32 (i32.add (local.get $zps) (local.get $o))))
                  (call $quantize4 (v128.load offset=48 (local.get $px))
                    (v128.load offset=48 (i32.add (local.get $scales) (local.get $o))) (v128.load offset=48 (i32.add (local.get $zps) (local.get $o)))))))
            (local.set $px (i32.add (local.get $px) (i32.const 64)))
            (local.set $pq (i32.add (local.get $pq) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $c) (local.get $channels)))
            (local.set $o (i32.shl (local.get $c) (i32.const 2)))
            (i32.store8 (local.get $pq)
              (call $quantize_one (f32.load (local.get $px))
                (f32.load (i32.add (local.get $scales) (local.get $o))) (i32.load (i32.add (local.get $zps) (local.get $o)))))
            (local.set $px (i32.add (local.get $px) (i32.const 4)))
            (local.set $pq (i32.add (local.get $pq) (i32.const 1)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; `count` contiguous values at x -> q with one scale s and zero point z.
  (func (export "quantize_block") (param $x i32) (param $q i32) (param $count i32) (param $s f32) (param $z i32)
    (local $px i32) (local $pq i32) (local $end i32) (local $vec_end i32) (local $vs v128) (local $vz v128)
    (local.set $px (local.get $x))
    (local.set $pq (local.get $q))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $vec_end (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -16)) (i32.const 2))))
    (local.set $vs (f32x4.splat (local.get $s)))
    (local.set $vz (i32x4.splat (local.get $z)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $px) (local.get $vec_end)))
        (v128.store (local.get $pq)
          (i8x16.narrow_i16x8_s
            (i16x8.narrow_i32x4_s
              (call $quantize4 (v128.load (local.get $px)) (local.get $vs) (local.get $vz))
              (call $quantize4 (v128.load offset=16 (local.get $px)) (local.get $vs) (local.get $vz)))
            (i16x8.narrow_i32x4_s
              (call $quantize4 (v128.load offset=32 (local.get $px)) (local.get $vs) (local.get $vz))
              (call $quantize4 (v128.load offset=48 (local.get $px)) (local.get $vs) (local.get $vz)))))
        (local.set $px (i32.add (local.get $px) (i32.const 64)))
        (local.set $pq (i32.add (local.get $pq) (i32.const 16)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $px) (local.get $end)))
        (i32.store8 (local.get $pq) (call $quantize_one (f32.load (local.get $px)) (local.get $s) (local.get $z)))
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (local.set $pq (i32.add (local.get $pq) (i32.const 1)))
        (br $tail))))
)
