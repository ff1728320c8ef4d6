//! A file attached to a document version: uploaded into the draft (or a new draft when the
//! latest version is approved), approved and fingerprinted with the text, handed out checked
//! against its SHA-256.

use aims_domain::document::DocumentVersion;
use aims_domain::evidence::StoredFile;
use aims_domain::{Actor, DocumentId, Permission};

use super::{latest_is, refuse_retired, unchanged_since};
use crate::App;
use crate::error::{AppError, Result};
use crate::evidence::Upload;

impl App {
    /// Attaches `upload` to the document's latest version, or removes the attached file when
    /// `upload` is `None` (owner, admin, editor). Like a save of the text: an approved version
    /// is left as it is and the change goes into a new draft; `base` must be the latest version
    /// and `revision`, when given, the document's current revision.
    pub async fn attach_document_file(
        &self,
        actor: &Actor,
        id: DocumentId,
        base: i64,
        revision: Option<i64>,
        upload: Option<Upload>,
    ) -> Result<aims_domain::document::Document> {
        actor.require(Permission::EditContent)?;
        // The file goes to the blob store first (a failed change leaves it to the sweep).
        let file = match upload {
            Some(upload) => Some(self.store_upload(upload).await?),
            None => None,
        };
        self.change(actor.org, actor, async |c| {
            let (mut document, versions) = Self::document_in(c, actor, id).await?;
            refuse_retired(&document)?;
            let latest = latest_is(&versions, base)?;
            unchanged_since(&document, revision)?;
            let mut content = latest.content.clone();
            content.attachment = file.clone();
            if content == latest.content {
                return Ok(document);
            }
            Self::put_content(c, actor, &mut document, latest, content).await?;
            document.updated_at = c.now;
            document.revision += 1;
            c.save_document(actor.org, &document).await?;
            Ok(document)
        })
        .await
    }

    /// The file attached to version `version` of a document, and its bytes, checked against
    /// its SHA-256 (any member).
    pub async fn document_file(
        &self,
        actor: &Actor,
        id: DocumentId,
        version: i64,
    ) -> Result<(StoredFile, Vec<u8>)> {
        actor.require(Permission::ReadOrganisation)?;
        let found: Option<DocumentVersion> = self
            .store
            .read()
            .await?
            .document_version(actor.org, id, version)
            .await?;
        let file = found
            .ok_or(AppError::NotFound("document version"))?
            .content
            .attachment
            .ok_or(AppError::NotFound("attached file"))?;
        let bytes = self.stored_bytes(&file).await?;
        Ok((file, bytes))
    }
}
