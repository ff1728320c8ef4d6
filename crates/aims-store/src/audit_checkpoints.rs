//! Signed checkpoints of audit chain heads: stored beside the trail, read back to verify it.

use aims_domain::OrgId;
use aims_domain::audit::{ChainHash, Checkpoint};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

fn read(row: &AnyRow) -> Result<Checkpoint> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("audit_checkpoints.{what}"));
    let head: ChainHash = row
        .text("head_hash")?
        .parse()
        .map_err(|_| corrupt("head_hash"))?;
    let signature = row.text("signature")?;
    let mut bytes = [0u8; 64];
    if signature.len() != 128 {
        return Err(corrupt("signature"));
    }
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&signature[2 * i..2 * i + 2], 16)
            .map_err(|_| corrupt("signature"))?;
    }
    Ok(Checkpoint {
        org: row.parsed("org_id")?,
        seq: row.int("seq")?,
        head,
        signed_at: row.at("signed_at")?,
        key_id: row.text("key_id")?,
        signature: bytes,
    })
}

impl Tx {
    /// Stores a signed checkpoint.
    pub async fn insert_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<()> {
        let signature: String = checkpoint
            .signature
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        sqlx::query(
            "INSERT INTO audit_checkpoints (org_id, seq, head_hash, signed_at, key_id, signature) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(checkpoint.org.to_string())
        .bind(checkpoint.seq)
        .bind(checkpoint.head.to_string())
        .bind(checkpoint.signed_at.as_micros())
        .bind(&checkpoint.key_id)
        .bind(signature)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The checkpoints of `org`, in chain order.
    pub async fn checkpoints(&mut self, org: OrgId) -> Result<Vec<Checkpoint>> {
        let rows = sqlx::query("SELECT * FROM audit_checkpoints WHERE org_id = $1 ORDER BY seq")
            .bind(org.to_string())
            .fetch_all(self.conn())
            .await?;
        map_rows(rows, read)
    }

    /// The latest checkpoint of `org`, if it has any.
    pub async fn latest_checkpoint(&mut self, org: OrgId) -> Result<Option<Checkpoint>> {
        let row = sqlx::query(
            "SELECT * FROM audit_checkpoints WHERE org_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(org.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(read).transpose()
    }

    /// The position and hash of the latest event of `org`, if it has any.
    pub async fn audit_head_hash(&mut self, org: OrgId) -> Result<Option<(i64, ChainHash)>> {
        let row = sqlx::query(
            "SELECT seq, hash FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(org.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.map(|r| {
            let hash = r
                .text("hash")?
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("audit_events.hash: {e}")))?;
            Ok((r.int("seq")?, hash))
        })
        .transpose()
    }

    /// The hash of event `seq` of `org`, if the trail has it.
    pub async fn audit_hash_at(&mut self, org: OrgId, seq: i64) -> Result<Option<ChainHash>> {
        let hash: Option<String> =
            sqlx::query_scalar("SELECT hash FROM audit_events WHERE org_id = $1 AND seq = $2")
                .bind(org.to_string())
                .bind(seq)
                .fetch_optional(self.conn())
                .await?;
        hash.map(|h| {
            h.parse()
                .map_err(|e| StoreError::Corrupt(format!("audit_events.hash: {e}")))
        })
        .transpose()
    }
}
