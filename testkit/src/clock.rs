//! A clock tests move by hand.

use aws_smithy_async::time::TimeSource;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A shared, manually advanced clock; clones see the same time.
#[derive(Debug, Clone)]
pub struct TestClock(Arc<Mutex<SystemTime>>);

impl TestClock {
    /// A clock starting at the real now (so request signatures look current).
    pub fn new() -> Self {
        TestClock(Arc::new(Mutex::new(SystemTime::now())))
    }
    /// The clock's now.
    pub fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
    /// Moves the clock forward.
    pub fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new()
    }
}

impl TimeSource for TestClock {
    fn now(&self) -> SystemTime {
        TestClock::now(self)
    }
}
