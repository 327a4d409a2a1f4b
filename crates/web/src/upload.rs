//! Uploaded spreadsheets: read off the async workers, once per upload, and kept while an
//! officer works on them (the mapping form re-checks the same file many times).
//!
//! Reading is bounded (`devzone_io::read::limits`), but a large sheet still takes seconds
//! of CPU; on a blocking thread it cannot stall other requests, and with the read kept
//! here, a view after a view costs no read at all.

use crate::error::PageError;
use devzone_core::import::{Grid, Layout};
use devzone_db::entities::import_upload;
use devzone_io::import::Prepared;
use devzone_io::read::{ReadError, SheetRead};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How many read uploads are kept; older ones are read again when next viewed.
const KEPT: usize = 8;

/// A read upload, or why it could not be read.
pub type Read = Result<Arc<Prepared>, Arc<ReadError>>;

/// Recently read uploads, by upload id.
#[derive(Clone, Default)]
pub struct Sheets(Arc<Mutex<VecDeque<(i64, Read)>>>);

impl Sheets {
    fn get(&self, id: i64) -> Option<Read> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter().find(|(k, _)| *k == id).map(|(_, r)| r.clone())
    }

    fn put(&self, id: i64, read: Read) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|(k, _)| *k != id);
        if kept.len() >= KEPT {
            kept.pop_front();
        }
        kept.push_back((id, read));
    }

    /// The upload read with `detect` finding its header; read on a blocking thread the
    /// first time, then kept.
    pub async fn prepared(
        &self,
        up: &import_upload::Model,
        detect: fn(&Grid) -> Option<Layout>,
    ) -> Result<Read, PageError> {
        if let Some(read) = self.get(up.id) {
            return Ok(read);
        }
        let (name, bytes) = (up.file_name.clone(), up.bytes.clone());
        let read = blocking(move || {
            devzone_io::import::prepare_with(&name, &bytes, detect)
                .map(Arc::new)
                .map_err(Arc::new)
        })
        .await?;
        self.put(up.id, read.clone());
        Ok(read)
    }
}

/// Why a file could not be read, in the viewer's language where devzone sets the limit
/// (the reader's own messages about damaged files stay as the reader words them).
pub fn read_error(t: &crate::i18n::Tr, e: &ReadError) -> String {
    use devzone_io::read::{Beyond, limits};
    let ReadError::Limit(b) = e else {
        return e.to_string();
    };
    match b {
        Beyond::Columns { sheet, cell } => t.f(
            "import.limit.columns",
            &[
                ("sheet", sheet.as_str()),
                ("cell", cell.as_str()),
                ("limit", &limits::MAX_COLUMNS.to_string()),
            ],
        ),
        Beyond::Cells { sheet, cell } => t.f(
            "import.limit.cells",
            &[
                ("sheet", sheet.as_str()),
                ("cell", cell.as_str()),
                ("limit", &limits::MAX_CELLS.to_string()),
            ],
        ),
        Beyond::Text { sheet, cell } => t.f(
            "import.limit.text",
            &[
                ("sheet", sheet.as_str()),
                ("cell", cell.as_str()),
                ("limit", &(limits::MAX_TEXT_BYTES >> 20).to_string()),
            ],
        ),
        Beyond::Extent { file, cells } => t.f(
            "import.limit.extent",
            &[
                ("file", file.as_str()),
                ("cells", &cells.to_string()),
                ("limit", &limits::MAX_EXTENT.to_string()),
            ],
        ),
    }
}

/// A file read into a grid on a blocking thread.
pub async fn read_grid(
    name: String,
    bytes: Vec<u8>,
) -> Result<Result<SheetRead, ReadError>, PageError> {
    blocking(move || devzone_io::read::read_grid(&name, &bytes)).await
}

/// CPU work (reading, checking, writing workbooks) on tokio's blocking pool; a panic in
/// it answers 500 instead of ending the worker.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PageError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        tracing::error!(error = %e, "blocking work failed");
        PageError::internal()
    })
}

/// The uploaded file (None when none was chosen or it is empty) and the other fields of a
/// multipart form; Err when the body exceeded the limit.
pub async fn read_multipart(
    form: &mut axum::extract::Multipart,
) -> Result<(Option<(String, Vec<u8>)>, Vec<(String, String)>), ()> {
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut params: Vec<(String, String)> = Vec::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_string();
            let b = field.bytes().await.map_err(|_| ())?;
            file = Some((file_name, b.to_vec()));
        } else if let Ok(text) = field.text().await {
            params.push((name, text));
        }
    }
    Ok((file.filter(|(n, b)| !n.is_empty() && !b.is_empty()), params))
}
