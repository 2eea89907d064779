//! The loop every background job of `serve` runs in: wait for the next tick, do one run, count
//! it for `/metrics` (`counters`), and on a stop leave. A job that sends mail, texts or webhooks
//! (or removes files) finishes the batch in hand first, so a node being restarted never leaves
//! something sent but unrecorded; a job that only writes the database is cut off at once, its
//! open transaction rolled back, and the next run on any node does that work again.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::counters::{Job, NODE};

/// Asks every job to stop after the run it is in; cloned into each.
#[derive(Clone)]
pub struct Stop {
    asked: watch::Receiver<bool>,
}

/// The other end of `Stop`, kept by whoever decides when the process ends.
pub struct StopHandle {
    tell: watch::Sender<bool>,
}

pub fn stop_pair() -> (StopHandle, Stop) {
    let (tell, asked) = watch::channel(false);
    (StopHandle { tell }, Stop { asked })
}

impl StopHandle {
    pub fn stop(&self) {
        self.tell.send_replace(true);
    }
}

impl Stop {
    pub fn asked(&self) -> bool {
        *self.asked.borrow()
    }

    /// Returns once a stop has been asked for (at once if it has been).
    async fn wait(&mut self) {
        // An error means the handle is gone: nobody can ask any more, so wait forever.
        if self.asked.wait_for(|asked| *asked).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Runs `run` every `period` (the first run at once) until `stop`. `run` reports how many
/// items it did, or fails with a message it has already logged; either way the loop goes on.
pub async fn every<F, Fut>(job: Job, period: Duration, mut stop: Stop, mut run: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<u64, ()>>,
{
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stop.wait() => break,
        }
        let started = Instant::now();
        // A run that talks to the outside world finishes what it holds; one that only writes
        // the database in transactions is dropped at once (rolled back, done again later).
        let outcome = if job.may_be_cut_off() {
            tokio::select! {
                outcome = run() => outcome,
                () = stop.wait() => break,
            }
        } else {
            run().await
        };
        NODE.ran(job, started.elapsed(), outcome);
        if stop.asked() {
            break;
        }
    }
    tracing::debug!(job = job.name(), "stopped");
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn a_stop_cuts_off_a_run_that_only_writes_the_database() {
        let (handle, stop) = stop_pair();
        let finished = Arc::new(AtomicU64::new(0));
        let f = finished.clone();
        let job = tokio::spawn(every(
            Job::Sweep,
            Duration::from_millis(10),
            stop,
            move || {
                let f = f.clone();
                async move {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    f.fetch_add(1, Ordering::SeqCst);
                    Ok(1)
                }
            },
        ));
        tokio::time::sleep(Duration::from_millis(50)).await;
        handle.stop();
        tokio::time::timeout(Duration::from_secs(5), job)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            finished.load(Ordering::SeqCst),
            0,
            "dropped, not waited for"
        );
    }

    #[tokio::test]
    async fn a_stop_lets_the_run_in_hand_finish_and_starts_no_other() {
        let (handle, stop) = stop_pair();
        let started = Arc::new(AtomicU64::new(0));
        let finished = Arc::new(AtomicU64::new(0));
        let (s, f) = (started.clone(), finished.clone());
        let job = tokio::spawn(every(
            Job::Housekeeping,
            Duration::from_millis(10),
            stop,
            move || {
                let (s, f) = (s.clone(), f.clone());
                async move {
                    s.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    f.fetch_add(1, Ordering::SeqCst);
                    Ok(1)
                }
            },
        ));
        // Ask while the first run sleeps in the middle of its work.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        handle.stop();
        tokio::time::timeout(Duration::from_secs(5), job)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(started.load(Ordering::SeqCst), 1);
        assert_eq!(
            finished.load(Ordering::SeqCst),
            1,
            "the run in hand finished"
        );
    }
}
