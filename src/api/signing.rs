//! Signed artifacts: ed25519 over the artifact's format and content hash.
//! Keys are PEM files as OpenSSL writes them (`openssl genpkey -algorithm
//! ed25519`), so a CI maintainer needs no tool of ours to make one.

use crate::table::{signed_message, ArtifactSignature};
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

pub(crate) const ALGORITHM: &str = "ed25519";

/// Why a signature could not be made or was not accepted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignError {
    #[error("the signing key is not an ed25519 private key in PEM (PKCS#8): {0}")]
    BadPrivateKey(String),
    #[error("the verifying key is not an ed25519 public key in PEM: {0}")]
    BadPublicKey(String),
    #[error("the tables are not signed, and a verifying key was given")]
    Unsigned,
    #[error("the tables are signed with `{0}`, which this mandate does not know")]
    Algorithm(String),
    #[error("the tables were signed by another key, or changed after they were signed")]
    Mismatch,
}

impl SignError {
    pub(crate) fn help(&self) -> &'static str {
        match self {
            SignError::BadPrivateKey(_) => {
                "make one with `openssl genpkey -algorithm ed25519 -out signing.pem`"
            }
            SignError::BadPublicKey(_) => {
                "derive it from the signing key: `openssl pkey -in signing.pem -pubout -out signing.pub.pem`"
            }
            SignError::Unsigned | SignError::Algorithm(_) | SignError::Mismatch => {
                "use tables from `mandate compile --sign KEY`, signed by the key whose public half you trust; never edit them by hand"
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A signing function for [`crate::table::save_artifact_signed`], from a
/// private key in PEM.
pub(crate) fn signer(
    private_pem: &str,
) -> Result<impl FnOnce(&str) -> Option<ArtifactSignature>, SignError> {
    let key = SigningKey::from_pkcs8_pem(private_pem.trim())
        .map_err(|e| SignError::BadPrivateKey(e.to_string()))?;
    Ok(move |message: &str| {
        Some(ArtifactSignature {
            algorithm: ALGORITHM.into(),
            public_key: hex(key.verifying_key().as_bytes()),
            value: hex(&key.sign(message.as_bytes()).to_bytes()),
        })
    })
}

/// A public key in PEM, checked before any tables are read.
pub(crate) fn verifying_key(public_pem: &str) -> Result<VerifyingKey, SignError> {
    VerifyingKey::from_public_key_pem(public_pem.trim())
        .map_err(|e| SignError::BadPublicKey(e.to_string()))
}

/// Accept tables whose hash (already checked against them) is signed by
/// `key`. The key written in the file is ignored: a forger can write one.
pub(crate) fn verify(
    format: &str,
    hash: &str,
    signature: Option<&ArtifactSignature>,
    key: &VerifyingKey,
) -> Result<(), SignError> {
    let signature = signature.ok_or(SignError::Unsigned)?;
    if signature.algorithm != ALGORITHM {
        return Err(SignError::Algorithm(signature.algorithm.clone()));
    }
    let bytes: [u8; 64] = unhex(&signature.value).ok_or(SignError::Mismatch)?;
    key.verify_strict(
        signed_message(format, hash).as_bytes(),
        &Signature::from_bytes(&bytes),
    )
    .map_err(|_| SignError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey};

    fn keys(seed: u8) -> (String, String) {
        let key = SigningKey::from_bytes(&[seed; 32]);
        (
            key.to_pkcs8_pem(LineEnding::LF).expect("pem").to_string(),
            key.verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("pem"),
        )
    }

    #[test]
    fn a_signature_verifies_only_with_its_key_and_its_hash() {
        let (private, public) = keys(7);
        let (_, other) = keys(8);
        let sig = signer(&private).expect("key")("mandate-tables/1\nsha256:ab").expect("signed");
        let key = verifying_key(&public).expect("key");
        let v1 = "mandate-tables/1";
        assert!(verify(v1, "sha256:ab", Some(&sig), &key).is_ok());
        assert!(matches!(
            verify("mandate-tables/2", "sha256:ab", Some(&sig), &key),
            Err(SignError::Mismatch)
        ));
        assert!(matches!(
            verify(v1, "sha256:ac", Some(&sig), &key),
            Err(SignError::Mismatch)
        ));
        assert!(matches!(
            verify(
                v1,
                "sha256:ab",
                Some(&sig),
                &verifying_key(&other).expect("key")
            ),
            Err(SignError::Mismatch)
        ));
        assert!(matches!(
            verify(v1, "sha256:ab", None, &key),
            Err(SignError::Unsigned)
        ));
        assert!(matches!(
            verifying_key(&private),
            Err(SignError::BadPublicKey(_))
        ));
        assert!(matches!(signer(&public), Err(SignError::BadPrivateKey(_))));
    }
}
