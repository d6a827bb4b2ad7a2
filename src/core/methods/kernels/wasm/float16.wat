;; float32 -> float16 conversion in WebAssembly SIMD, for big tensors. Same rounding as
;; `float32ToFloat16Bits` (ir/fp16.ts), half to even: normal results by re-biasing the exponent and
;; adding 0xfff plus the kept LSB before the shift; subnormal results (and zeros) as
;; nearest(|x| * 2^24), exact in float32. Eight values per step. A step holding a value that
;; overflows float16 (|x| >= 65520), an infinity or a NaN stops the loop: the host converts that
;; step itself (counting and clamping as asked) and calls again after it.
;; Regenerate float16-wasm.ts with `node scripts/build-wasm-kernels.mjs`.
(module
  (memory (export "memory") 1)

  ;; Four lanes: float16 bits in the low 16 bits of each i32 lane; *ok gets the all-handled mask,
  ;; *flushed counts lanes that were non-zero but became +-0.
  (func $half4 (param $b v128) (result v128 v128 v128)
    (local $a v128) (local $sign v128) (local $normal v128) (local $is_normal v128) (local $is_small v128) (local $m v128)
    (local.set $a (v128.and (local.get $b) (i32x4.splat (i32.const 0x7fffffff))))
    (local.set $sign (v128.and (i32x4.shr_u (local.get $b) (i32.const 16)) (i32x4.splat (i32.const 0x8000))))
    (local.set $normal
      (i32x4.shr_u
        (i32x4.add
          (i32x4.add (i32x4.sub (local.get $a) (i32x4.splat (i32.const 0x38000000))) (i32x4.splat (i32.const 0xfff)))
          (v128.and (i32x4.shr_u (local.get $a) (i32.const 13)) (i32x4.splat (i32.const 1))))
        (i32.const 13)))
    ;; MIN_NORMAL <= a < OVERFLOW as one unsigned compare; a < MIN_NORMAL is the subnormal/zero case.
    (local.set $is_normal
      (i32x4.lt_u (i32x4.sub (local.get $a) (i32x4.splat (i32.const 0x38800000))) (i32x4.splat (i32.const 0x0effF000))))
    (local.set $is_small (i32x4.lt_u (local.get $a) (i32x4.splat (i32.const 0x38800000))))
    (local.set $m (i32x4.trunc_sat_f32x4_u (f32x4.nearest (f32x4.mul (local.get $a) (f32x4.splat (f32.const 16777216))))))
    (v128.or (v128.bitselect (local.get $normal) (local.get $m) (local.get $is_normal)) (local.get $sign))
    (v128.or (local.get $is_normal) (local.get $is_small))
    ;; flushed: small, non-zero input, zero result
    (v128.and (v128.and (local.get $is_small) (i32x4.eq (local.get $m) (v128.const i32x4 0 0 0 0)))
      (v128.not (i32x4.eq (local.get $a) (v128.const i32x4 0 0 0 0)))))

  ;; Converts x[0..n) (f32) into out[0..n) (u16) eight at a time. Returns the index of the first
  ;; step it did not convert (a special value in it, or fewer than eight left); stores the number
  ;; of flushed values it saw at `counts`.
  (func (export "to_half") (param $x i32) (param $out i32) (param $n i32) (param $counts i32) (result i32)
    (local $i i32) (local $end i32) (local $h0 v128) (local $ok0 v128) (local $f0 v128) (local $h1 v128) (local $ok1 v128) (local $f1 v128)
    (local $flushed v128)
    (local.set $end (i32.and (local.get $n) (i32.const -8)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (call $half4 (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $f0) (local.set $ok0) (local.set $h0)
        (call $half4 (v128.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $f1) (local.set $ok1) (local.set $h1)
        (br_if $done (i32.eqz (i32x4.all_true (v128.and (local.get $ok0) (local.get $ok1)))))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))
          (i16x8.narrow_i32x4_u (local.get $h0) (local.get $h1)))
        ;; mask lanes are -1: subtracting counts them
        (local.set $flushed (i32x4.sub (i32x4.sub (local.get $flushed) (local.get $f0)) (local.get $f1)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $step)))
    (i32.store (local.get $counts)
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $flushed)) (i32x4.extract_lane 1 (local.get $flushed)))
        (i32.add (i32x4.extract_lane 2 (local.get $flushed)) (i32x4.extract_lane 3 (local.get $flushed)))))
    (local.get $i))
)
