//! The training loop's threads: the current `rayon` pool with the `parallel`
//! feature (on by default), the calling thread alone without it.

/// Whether the current pool has more than one thread to share work with.
#[cfg(feature = "parallel")]
pub(crate) fn several() -> bool {
    rayon::current_num_threads() > 1
}

/// Whether the current pool has more than one thread to share work with
/// (never without the `parallel` feature).
#[cfg(not(feature = "parallel"))]
pub(crate) fn several() -> bool {
    false
}

/// Runs `a` and `b`, side by side on the pool.
#[cfg(feature = "parallel")]
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    rayon::join(a, b)
}

/// Runs `a`, then `b` (without the `parallel` feature).
#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    (a(), b())
}
