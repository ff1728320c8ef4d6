//! Signed checkpoints of audit chain heads: stored beside the trail, read back to verify it.

use aims_domain::audit::{ChainHash, Checkpoint};
use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::audit::chain_hash;
use crate::error::{Result, StoreError};
use crate::row::{map_rows, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `audit_checkpoints`: a signed chain head, its signature in hex.
    struct CheckpointRow in "audit_checkpoints" {
        org_id: String,
        seq: i64,
        head_hash: String,
        signed_at: i64,
        key_id: String,
        signature: String,
    }
}

impl CheckpointRow {
    fn new(c: &Checkpoint) -> Self {
        Self {
            org_id: c.org.to_string(),
            seq: c.seq,
            head_hash: c.head.to_string(),
            signed_at: c.signed_at.as_micros(),
            key_id: c.key_id.clone(),
            signature: c.signature.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    fn into_checkpoint(self) -> Result<Checkpoint> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("audit_checkpoints.{what}"));
        let head: ChainHash = self.head_hash.parse().map_err(|_| corrupt("head_hash"))?;
        let mut bytes = [0u8; 64];
        if self.signature.len() != 128 {
            return Err(corrupt("signature"));
        }
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&self.signature[2 * i..2 * i + 2], 16)
                .map_err(|_| corrupt("signature"))?;
        }
        Ok(Checkpoint {
            org: parsed("org_id", &self.org_id)?,
            seq: self.seq,
            head,
            signed_at: Timestamp::from_micros(self.signed_at),
            key_id: self.key_id,
            signature: bytes,
        })
    }
}

fn read(row: &AnyRow) -> Result<Checkpoint> {
    CheckpointRow::from_row(row)?.into_checkpoint()
}

impl Tx {
    /// Stores a signed checkpoint.
    pub async fn insert_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<()> {
        self.insert(vec![CheckpointRow::new(checkpoint)]).await
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
        self.audit_head_row(org)
            .await?
            .map(|head| Ok((head.seq, chain_hash("hash", &head.hash)?)))
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
        hash.map(|h| chain_hash("hash", &h)).transpose()
    }
}
