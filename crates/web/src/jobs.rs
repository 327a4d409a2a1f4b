//! Long work and its progress: evaluation runs, spawned to run after their request has
//! answered, and import commits, whose progress (by upload) another view of the upload shows
//! while the committing request runs. A job that dies is marked failed.

use devzone_db::repo::evaluation;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Progress of commits running in the background, by upload.
#[derive(Clone, Default)]
pub struct Jobs(Arc<Mutex<HashMap<i64, Job>>>);

#[derive(Clone, Debug)]
pub enum Job {
    Running {
        done: usize,
        total: usize,
    },
    /// Committed as this import.
    Done(i64),
    /// Failed; the request id under which the reason is logged.
    Failed(String),
}

/// Marks a commit failed (under the request's id) when dropped while still armed.
pub(crate) struct Unfinished {
    pub jobs: Jobs,
    pub upload: i64,
    pub reference: String,
    pub armed: bool,
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if self.armed {
            tracing::error!(upload = self.upload, reference = %self.reference, "import commit interrupted");
            self.jobs.set(
                self.upload,
                Job::Failed(std::mem::take(&mut self.reference)),
            );
        }
    }
}

impl Jobs {
    pub fn set(&self, upload: i64, job: Job) {
        self.0.lock().expect("jobs lock").insert(upload, job);
    }
    pub fn clear(&self, upload: i64) {
        self.0.lock().expect("jobs lock").remove(&upload);
    }
    pub fn get(&self, upload: i64) -> Option<Job> {
        self.0.lock().expect("jobs lock").get(&upload).cloned()
    }
}

/// Runs an evaluation in the background. A run whose task panics is marked failed at
/// once, instead of showing "running" until the next restart.
pub fn spawn_evaluation(db: devzone_db::Db, run_id: i64) {
    tokio::spawn(async move {
        let work = tokio::spawn({
            let db = db.clone();
            async move { evaluation::execute(&db.conn, run_id).await }
        });
        if let Err(e) = work.await {
            tracing::error!(error = %e, run = run_id, "evaluation run stopped unexpectedly");
            let reason = "the run stopped unexpectedly; the server log has the details";
            if let Err(e) = evaluation::mark_failed(&db.conn, run_id, reason).await {
                tracing::error!(error = %e, run = run_id, "marking the run failed");
            }
        }
    });
}
