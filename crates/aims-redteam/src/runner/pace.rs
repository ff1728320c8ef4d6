//! Pacing shared by all workers: a request rate, a token budget per minute, and a pause that
//! a 429's `Retry-After` imposes on everyone (one worker being told to wait means all should).

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// The shared pacer.
#[derive(Debug)]
pub struct Pace {
    interval: Option<Duration>,
    tokens_per_minute: Option<u64>,
    state: Mutex<PaceState>,
}

#[derive(Debug)]
struct PaceState {
    /// When the next request may start (request rate).
    next_slot: Instant,
    /// Nobody sends before this (set by `Retry-After`).
    paused_until: Instant,
    /// Token budget available now, refilled continuously.
    tokens: f64,
    refilled_at: Instant,
}

impl Pace {
    /// A pacer for these limits.
    pub fn new(requests_per_second: Option<f64>, tokens_per_minute: Option<u64>) -> Self {
        let now = Instant::now();
        Self {
            interval: requests_per_second.map(|rps| Duration::from_secs_f64(1.0 / rps)),
            tokens_per_minute,
            state: Mutex::new(PaceState {
                next_slot: now,
                paused_until: now,
                tokens: tokens_per_minute.unwrap_or(0) as f64,
                refilled_at: now,
            }),
        }
    }

    /// Whether any limit applies (when none does, `wait` costs nothing).
    fn is_free(&self) -> bool {
        self.interval.is_none() && self.tokens_per_minute.is_none()
    }

    /// Waits until a request of about `tokens` tokens may go out, and books it.
    pub async fn wait(&self, tokens: u64) {
        loop {
            let start = {
                let mut state = self.state.lock().await;
                let now = Instant::now();
                if self.is_free() && state.paused_until <= now {
                    return;
                }
                let mut start = now.max(state.paused_until);
                if self.interval.is_some() {
                    start = start.max(state.next_slot);
                }
                if let Some(tpm) = self.tokens_per_minute {
                    let per_sec = tpm as f64 / 60.0;
                    let elapsed = now.duration_since(state.refilled_at).as_secs_f64();
                    state.tokens = (state.tokens + elapsed * per_sec).min(tpm as f64);
                    state.refilled_at = now;
                    // A request bigger than the whole budget still goes, alone, when full.
                    let need = (tokens as f64).min(tpm as f64);
                    if state.tokens < need {
                        // Bounded: the budget is never more than ten minutes' worth in debt.
                        let wait =
                            Duration::from_secs_f64(((need - state.tokens) / per_sec).min(660.0));
                        start = start.max(now + wait);
                    }
                }
                if start <= now {
                    if let Some(interval) = self.interval {
                        state.next_slot = now.max(state.next_slot) + interval;
                    }
                    if self.tokens_per_minute.is_some() {
                        state.tokens -= tokens as f64;
                    }
                    return;
                }
                start
            };
            tokio::time::sleep_until(start).await;
        }
    }

    /// Charges tokens used beyond the estimate booked in `wait`.
    pub async fn settle(&self, estimated: u64, actual: u64) {
        if self.tokens_per_minute.is_some() && actual != estimated {
            let mut state = self.state.lock().await;
            // A target reporting absurd usage must not stall the run for ever.
            let floor = -(self.tokens_per_minute.unwrap_or(0) as f64) * 10.0;
            state.tokens = (state.tokens - (actual as f64 - estimated as f64)).max(floor);
        }
    }

    /// Holds every worker back for `delay` (a target's `Retry-After`).
    pub async fn pause(&self, delay: Duration) {
        let mut state = self.state.lock().await;
        let until = Instant::now() + delay;
        if until > state.paused_until {
            state.paused_until = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn request_rate_spaces_requests() {
        let pace = Pace::new(Some(10.0), None);
        let start = Instant::now();
        for _ in 0..11 {
            pace.wait(0).await;
        }
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(1000), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(1100), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn token_budget_holds_back_once_spent() {
        let pace = Pace::new(None, Some(600)); // 10 tokens a second
        let start = Instant::now();
        pace.wait(600).await;
        assert!(start.elapsed() < Duration::from_millis(1));
        pace.wait(100).await;
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_secs(10) && elapsed < Duration::from_secs(11),
            "{elapsed:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_everyone() {
        let pace = Pace::new(None, None);
        pace.pause(Duration::from_secs(2)).await;
        let start = Instant::now();
        pace.wait(0).await;
        assert!(start.elapsed() >= Duration::from_secs(2));
    }
}
