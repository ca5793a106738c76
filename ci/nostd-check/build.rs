//! The host's C start files call `main` through libc's `__libc_start_main`,
//! and `core` needs `memcpy`/`memset`: link libc (only libc, never std).
fn main() {
    println!("cargo::rustc-link-arg-bins=-lc");
}
