//! A criterion measurement that counts the benchmark thread's CPU time by
//! default (`CLOCK_THREAD_CPUTIME_ID`), so that other processes sharing the
//! machine do not inflate the figures; `NN_BENCH_CLOCK=wall` switches to wall
//! time. Cache and memory-bandwidth interference from neighbours still shows.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use std::time::Duration;

/// Thread CPU time, or wall time when `NN_BENCH_CLOCK=wall`.
pub struct Clock {
    wall: bool,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            wall: std::env::var("NN_BENCH_CLOCK").is_ok_and(|v| v == "wall"),
        }
    }
}

impl Clock {
    /// The clock's current reading.
    pub fn read(&self) -> Duration {
        now(self.wall)
    }

    pub fn name(&self) -> &'static str {
        if self.wall {
            "wall time"
        } else {
            "thread CPU time"
        }
    }
}

#[allow(unsafe_code)] // libc's clock_gettime
fn now(wall: bool) -> Duration {
    if wall {
        return std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
    }
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant
    // that Linux supports.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl Measurement for Clock {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        now(self.wall)
    }
    fn end(&self, i: Duration) -> Duration {
        now(self.wall).saturating_sub(i)
    }
    fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
        *v1 + *v2
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WallTime.formatter_static()
    }
}

/// Borrowing wall time's formatter (nanoseconds, the same unit).
trait Static {
    fn formatter_static(&self) -> &'static dyn ValueFormatter;
}

impl Static for WallTime {
    fn formatter_static(&self) -> &'static dyn ValueFormatter {
        static W: WallTime = WallTime;
        W.formatter()
    }
}
