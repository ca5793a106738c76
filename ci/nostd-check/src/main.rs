//! The no_std checker: a `#![no_std]`, `#![no_main]` host program that links
//! the nn crates without std (and, by default, without `alloc`) and really runs
//! them, so that their generic code is instantiated and linked.
//!
//! If anything in the dependency graph links std, rustc stops with
//! `error[E0152]: found duplicate lang item 'panic_impl'` naming the culprit;
//! if anything needs an allocator in the default variant, the link fails with
//! "no global memory allocator found". With `--features alloc` nn-core gets its
//! `alloc` feature and this program supplies a null allocator that must never
//! be called. See README.md.
//!
//! The program trains a small network on XOR (inference, loss, backward pass
//! and parameter update, per sample and batched, in f32 and f64) and exits 0
//! only when the results are sane: everything finite, batched equals
//! per-sample, and the loss falls.
#![no_std]
#![no_main]

use core::ffi::{c_char, c_int};
use core::fmt::Write;

use nn_core::{Dense, Float, Module, Params, Relu, Seq, seq};

mod sys {
    //! The three libc functions this program needs (libc, not std).
    use core::ffi::c_int;

    unsafe extern "C" {
        pub fn write(fd: c_int, buf: *const u8, count: usize) -> isize;
        pub fn _exit(status: c_int) -> !;
    }

    /// Standard output through `write(2)`.
    pub struct Stdout;

    impl core::fmt::Write for Stdout {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let mut rest = s.as_bytes();
            while !rest.is_empty() {
                // SAFETY: `rest` is a valid, initialized byte slice for the
                // duration of the call, and `write` reads at most `len` bytes.
                let n = unsafe { write(1, rest.as_ptr(), rest.len()) };
                if n <= 0 {
                    return Err(core::fmt::Error);
                }
                rest = &rest[n as usize..];
            }
            Ok(())
        }
    }

    /// Ends the process with `status` without unwinding or running destructors.
    pub fn exit(status: c_int) -> ! {
        // SAFETY: `_exit` is always safe to call; it never returns.
        unsafe { _exit(status) }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let _ = writeln!(sys::Stdout, "nostd-check: PANIC: {info}");
    sys::exit(101)
}

/// The prebuilt host `core` references this symbol; with `panic = "abort"`
/// it is never called.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

#[cfg(feature = "alloc")]
mod null_alloc {
    //! A global allocator that refuses every request: the `alloc` variant
    //! links, but any allocation at run time fails loudly.
    use core::alloc::{GlobalAlloc, Layout};

    struct Null;

    // SAFETY: `alloc` always returns null (a permitted "allocation failed"
    // answer) and `dealloc` is never given a pointer, because none is ever
    // handed out.
    unsafe impl GlobalAlloc for Null {
        unsafe fn alloc(&self, _layout: Layout) -> *mut u8 {
            core::ptr::null_mut()
        }
        unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
    }

    #[global_allocator]
    static GLOBAL: Null = Null;
}

/// Hidden width of the test network.
const HIDDEN: usize = 8;
/// The network under test: two dense layers, one activation.
type Net<F> = Seq![Dense<F, 2, HIDDEN>, Relu, Dense<F, HIDDEN, 1>];
/// XOR: four samples, one batch.
const BATCH: usize = 4;

/// A tiny seeded generator (64-bit LCG, Knuth's constants) for the start
/// weights, uniform in `[-1, 1)`.
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

/// Mean squared error over the batch and its gradient `2 (y - t) / n`.
fn mse<F: Float>(y: &[[F; 1]; BATCH], t: &[[F; 1]; BATCH]) -> (F, [[F; 1]; BATCH]) {
    let n = F::from_usize(BATCH);
    let mut loss = F::ZERO;
    let mut grad = [[F::ZERO; 1]; BATCH];
    for ((g, yr), tr) in grad.iter_mut().zip(y).zip(t) {
        let d = yr[0] - tr[0];
        loss += d * d;
        g[0] = F::TWO * d / n;
    }
    (loss / n, grad)
}

/// What one precision's run found.
struct Outcome<F> {
    first_loss: F,
    last_loss: F,
    /// Batched forward/backward agreed bit for bit with the per-sample path.
    batch_matches: bool,
    /// All parameters and gradients stayed finite.
    finite: bool,
}

/// Trains `Net<F>` on XOR with plain SGD for `steps` full-batch steps.
fn train_xor<F: Float>(seed: u64, steps: usize, lr: F) -> Outcome<F> {
    let mut rng = Lcg(seed);
    let mut net: Net<F> = seq![Dense::zeros(), Relu, Dense::zeros()];
    for p in net.params_mut() {
        for v in p.values.iter_mut() {
            *v = F::from_f64(rng.next_f64());
        }
    }
    let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]].map(|r| r.map(F::from_f64));
    let t = [[0.0], [1.0], [1.0], [0.0]].map(|r| r.map(F::from_f64));

    let mut out = Outcome {
        first_loss: F::NAN,
        last_loss: F::NAN,
        batch_matches: true,
        finite: true,
    };
    for step in 0..steps {
        let (y, cache) = net.forward_train(&x);
        let (loss, dy) = mse(&y, &t);
        let mut grads = net.zeroed();
        let _dx: [[F; 2]; BATCH] = net.backward(&cache, &dy, &mut grads);

        if step == 0 {
            out.first_loss = loss;
            // The per-sample path must give the same numbers as the batch.
            let mut per_sample = net.zeroed();
            for ((xr, yr), dyr) in x.iter().zip(&y).zip(&dy) {
                let (ys, cs) = net.forward_train(xr);
                out.batch_matches &= ys == *yr && net.forward(xr) == ys;
                let _dxs: [F; 2] = net.backward(&cs, dyr, &mut per_sample);
            }
            out.batch_matches &= per_sample == grads;
        }
        out.last_loss = loss;
        out.finite &= loss.is_finite() && grads.all_finite();

        for (p, g) in net.params_mut().zip(grads.params()) {
            for (v, &gv) in p.values.iter_mut().zip(g.values) {
                *v -= lr * gv;
            }
        }
    }
    out.finite &= net.all_finite();
    out
}

/// Prints one precision's outcome; returns whether it is sane.
fn report<F: Float>(o: &Outcome<F>) -> bool {
    let fell = o.last_loss < o.first_loss * F::HALF;
    let ok = fell && o.batch_matches && o.finite;
    let _ = writeln!(
        sys::Stdout,
        "{} {}: XOR loss {:.6} -> {:.6} (fell by half: {}), batch == per-sample: {}, finite: {}",
        if ok { "ok  " } else { "FAIL" },
        F::NAME,
        o.first_loss.to_f64(),
        o.last_loss.to_f64(),
        fell,
        o.batch_matches,
        o.finite,
    );
    ok
}

/// The C entry point, called by the host's start files through libc.
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    let variant = if cfg!(feature = "alloc") {
        "alloc + null allocator"
    } else {
        "no alloc"
    };
    let _ = writeln!(sys::Stdout, "nostd-check ({variant})");
    let checks = [
        report(&train_xor::<f32>(7, 500, 0.1)),
        report(&train_xor::<f64>(7, 500, 0.1)),
    ];
    let failed = checks.iter().filter(|ok| !**ok).count();
    let _ = writeln!(
        sys::Stdout,
        "{} passed, {} failed",
        checks.len() - failed,
        failed
    );
    c_int::from(failed != 0)
}
