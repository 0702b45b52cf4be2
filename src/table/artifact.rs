//! The compiled artifact: versioned JSON with a content hash, so a stale
//! or damaged file is refused instead of answering wrongly. The hash
//! catches accidents only: whoever can edit the file can recompute it.
//! Against tampering the artifact may carry a signature of its hash; this
//! layer keeps it as data, the keys and the arithmetic live above it.

use super::Tables;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The format this mandate writes. `/2` added the `practicable` deadline,
/// `/3` deadlines due only if the agency asks (`48h if requested`): a
/// mandate that reads only older formats then says the file is too new
/// instead of calling it damaged.
pub const FORMAT: &str = "mandate-tables/3";

/// The formats this mandate reads: each is the next without its new
/// deadlines, so their tables (and their hash and signature) read
/// unchanged.
pub const READABLE: [&str; 3] = ["mandate-tables/1", "mandate-tables/2", FORMAT];

#[derive(Serialize, Deserialize)]
struct Artifact {
    format: String,
    hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    signature: Option<ArtifactSignature>,
    tables: Tables,
}

/// A signature of [`signed_message`], as written in an artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactSignature {
    /// Always `ed25519` for now.
    pub algorithm: String,
    /// The signer's public key, in hex: says which key signed, never
    /// trusted on its own (the verifier brings its own key).
    pub public_key: String,
    /// The signature, in hex.
    pub value: String,
}

/// What a signature signs: the artifact's format and the content hash,
/// which covers every table (the hash is recomputed and compared before a
/// signature is looked at).
pub fn signed_message(format: &str, hash: &str) -> String {
    format!("{format}\n{hash}")
}

#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("`{path}` is not a mandate tables file: {reason}")]
    Corrupt { path: String, reason: String },
    #[error(
        "`{path}` has format `{found}`, but this mandate reads `mandate-tables/1` to `{FORMAT}`"
    )]
    Version { path: String, found: String },
    #[error("`{path}` was modified after it was compiled: its content hash does not match")]
    Hash { path: String },
}

impl ArtifactError {
    pub fn help(&self) -> &'static str {
        match self {
            ArtifactError::Io { .. } => "check the path given to --tables",
            ArtifactError::Corrupt { .. } | ArtifactError::Hash { .. } => {
                "recompile it with `mandate compile -o FILE`; never edit the file by hand"
            }
            ArtifactError::Version { .. } => {
                "recompile the policies with this version of mandate: `mandate compile -o FILE`"
            }
        }
    }
}

/// The content hash of compiled tables, as written in an artifact.
pub fn artifact_hash(tables: &Tables) -> String {
    let bytes = serde_json::to_vec(tables).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The artifact as pretty JSON (deterministic: tables and fields are in a
/// fixed order).
pub fn save_artifact(tables: &Tables) -> String {
    save_artifact_signed(tables, |_| None)
}

/// The artifact, with the signature `sign` makes of the signed message.
pub fn save_artifact_signed(
    tables: &Tables,
    sign: impl FnOnce(&str) -> Option<ArtifactSignature>,
) -> String {
    let hash = artifact_hash(tables);
    let artifact = Artifact {
        format: FORMAT.to_string(),
        signature: sign(&signed_message(FORMAT, &hash)),
        hash,
        tables: tables.clone(),
    };
    let mut s = serde_json::to_string_pretty(&artifact).unwrap_or_default();
    s.push('\n');
    s
}

pub fn load_artifact(path: &Path) -> Result<Tables, ArtifactError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ArtifactError::Io {
        path: shown.clone(),
        source,
    })?;
    parse_artifact(&bytes, &shown)
}

/// An artifact's bytes to tables; `shown` names it in errors.
pub fn parse_artifact(bytes: &[u8], shown: &str) -> Result<Tables, ArtifactError> {
    parse_signed_artifact(bytes, shown).map(|(tables, ..)| tables)
}

/// An artifact's tables, its signature if it has one (not verified here:
/// the caller holds the key) and its format, which the signature covers.
pub fn parse_signed_artifact(
    bytes: &[u8],
    shown: &str,
) -> Result<(Tables, Option<ArtifactSignature>, &'static str), ArtifactError> {
    let shown = shown.to_string();
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ArtifactError::Corrupt {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
    let format = value
        .get("format")
        .and_then(|f| f.as_str())
        .ok_or_else(|| ArtifactError::Corrupt {
            path: shown.clone(),
            reason: "it has no `format` field".into(),
        })?;
    let Some(format) = READABLE.into_iter().find(|f| *f == format) else {
        return Err(ArtifactError::Version {
            path: shown,
            found: format.to_string(),
        });
    };
    let artifact: Artifact = serde_json::from_value(value).map_err(|e| ArtifactError::Corrupt {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    if artifact_hash(&artifact.tables) != artifact.hash {
        return Err(ArtifactError::Hash { path: shown });
    }
    validate(&artifact.tables).map_err(|reason| ArtifactError::Corrupt {
        path: shown,
        reason,
    })?;
    Ok((artifact.tables, artifact.signature, format))
}

/// A file with a matching hash can still be hand-made: check every index
/// so evaluation can never read out of bounds.
fn validate(tables: &Tables) -> Result<(), String> {
    for t in &tables.tables {
        for (i, row) in t.rows.iter().enumerate() {
            if row.outcome as usize >= t.outcomes.len() {
                return Err(format!(
                    "row {i} of `{}` names outcome {} of {}",
                    t.jurisdiction,
                    row.outcome,
                    t.outcomes.len()
                ));
            }
            if let Some(test) = row
                .tests
                .iter()
                .find(|x| x.col as usize >= tables.columns.len())
            {
                return Err(format!(
                    "row {i} of `{}` tests column {} of {}",
                    t.jurisdiction,
                    test.col,
                    tables.columns.len()
                ));
            }
        }
        if t.rows.last().is_none_or(|r| !r.tests.is_empty()) {
            return Err(format!(
                "the table of `{}` does not end with a default row",
                t.jurisdiction
            ));
        }
    }
    Ok(())
}
