;; Fragment, not a module: op(a)'s transpose by row chunks in the pool's float products' preparation
;; (mat-mul-by-threads.ts), which threaded-pair-steps.wat's prepChunk and threaded-row-wide.wat's rowPrepChunk
;; share. Each takes it with the line `;; @include fragments/pool-transpose.wat` (scripts/wat-includes.mjs
;; pastes it in before compiling). The arguments lie as i32 at p as prepChunk's (threaded-pair-steps.wat):
;; b, bp, k, n, transposed, cols, a, lists, mPad, aRaw, m, flags, first, chunkRows.

  ;; Where aRaw is not 0, rows [col, c1) of op(a) = a^T (a[k, m] at aRaw, rows from m on left as they are).
  (func $transposeChunk (param $p i32) (param $col i32) (param $c1 i32)
    (local $k i32) (local $n i32) (local $b i32) (local $panel i32) (local $r i32) (local $dst i32) (local $end i32) (local $src i32)
    (local.set $k (i32.load offset=8 (local.get $p)))
        (local.set $src (i32.load offset=36 (local.get $p)))
        (if (local.get $src)
          (then
            ;; a^T: row q of op(a) is column q of a[k, m] (m floats apart), for q in [col, min(c1, m)), in
            ;; blocks of 8 steps of k (8 cache lines of a read for 8 floats written in a row)
            (local.set $n (i32.load offset=40 (local.get $p)))
            (local.set $b (select (local.get $c1) (local.get $n) (i32.lt_u (local.get $c1) (local.get $n))))
            (local.set $panel (i32.const 0))
            (block $pDone (loop $pNext
              (br_if $pDone (i32.ge_u (local.get $panel) (local.get $k)))
              (local.set $r (local.get $col))
              (block $qDone (loop $qNext
                (br_if $qDone (i32.ge_u (local.get $r) (local.get $b)))
                (local.set $dst (i32.add (i32.load offset=24 (local.get $p))
                  (i32.shl (i32.add (i32.mul (local.get $r) (local.get $k)) (local.get $panel)) (i32.const 2))))
                (local.set $end (i32.add (local.get $dst) (i32.shl (select (i32.const 8) (i32.sub (local.get $k) (local.get $panel))
                  (i32.gt_u (i32.sub (local.get $k) (local.get $panel)) (i32.const 8))) (i32.const 2))))
                (local.set $src (i32.add (i32.load offset=36 (local.get $p))
                  (i32.shl (i32.add (i32.mul (local.get $panel) (local.get $n)) (local.get $r)) (i32.const 2))))
                (loop $eNext
                  (f32.store (local.get $dst) (f32.load (local.get $src)))
                  (local.set $src (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                  (br_if $eNext (i32.lt_u (local.get $dst) (local.get $end))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $qNext)))
              (local.set $panel (i32.add (local.get $panel) (i32.const 8)))
              (br $pNext))))))
