//! Compact JSON for the server's answers: serde's data model and
//! serde_json's exact output, with faster string escaping.
//!
//! An answer is mostly prose (a rule's notes, its citations, the plain
//! sentence), and serde_json checks every byte of a string against its
//! escape table one at a time; under load that was a third of the work of
//! `POST /v1/decide`. Here a string is tested eight bytes at a time, as
//! one machine word, and copied whole when nothing in it needs escaping. Everything else is written as
//! serde_json writes it; floats are handed to serde_json itself. The tests hold the output byte-identical to
//! `serde_json::to_vec` for every answer of the corpus and for arbitrary
//! strings.

use serde::ser::{self, Serialize};
use std::fmt::{self, Display};

/// `value` as compact JSON, appended to `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    let mut w = Writer {
        out: std::mem::take(out),
    };
    let written = value.serialize(&mut w);
    *out = w.out;
    written
}

/// Why a value could not be written: a map key that is not a string or a
/// number, or an error the value's own `Serialize` raised.
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Bytes JSON does not allow raw inside a string (tested without
/// short-circuit branches, so that folds over bytes stay branch-free).
#[inline]
fn needs_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// Whether any of eight bytes needs escaping, tested on the word at once:
/// a byte below 0x20, or one equal to `"` or `\` (equal: zero after xor).
/// The borrow of a subtraction can flag a byte beside a real hit, never a
/// word without one.
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    below(w, 0x20) | below(w ^ (ONES * 0x22), 1) | below(w ^ (ONES * 0x5c), 1) != 0
}

/// Whether any byte of `bytes` needs escaping. Most strings of an answer
/// are short (keys, codes, recipients): those are tested byte by byte
/// without branching; longer ones a word at a time.
#[inline]
fn any_needs_escape(bytes: &[u8]) -> bool {
    if bytes.len() < 8 {
        bytes.iter().fold(false, |any, &b| any | needs_escape(b))
    } else {
        long_needs_escape(bytes)
    }
}

/// Eight bytes or more, a word at a time; the last word is the string's
/// last eight bytes, overlapping the one before.
#[inline(never)]
fn long_needs_escape(bytes: &[u8]) -> bool {
    // A word that cannot be read counts as one needing escapes (all zero
    // bytes), so the careful path is taken; it is never taken wrongly.
    let word = |w: &[u8]| <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes);
    let last = bytes.len().saturating_sub(8);
    bytes
        .chunks_exact(8)
        .fold(word_needs_escape(word(&bytes[last..])), |any, w| {
            any | word_needs_escape(word(w))
        })
}

/// `s` as a JSON string: quotes, the escapes serde_json writes (short forms
/// for `\b \f \n \r \t`, `\u00xx` for other control characters), the rest
/// copied as it is. Prose seldom needs an escape, so the whole string is
/// tested first and, clean, copied at once.
#[inline]
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if any_needs_escape(bytes) {
        write_escaped(out, bytes);
    } else {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    }
}

#[cold]
#[inline(never)]
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if needs_escape(b) {
            out.extend_from_slice(&bytes[copied..i]);
            escape(out, b);
            copied = i + 1;
        }
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

fn escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0c => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn display(&mut self, v: impl Display) {
        use std::io::Write;
        // Writing into a Vec cannot fail.
        let _ = write!(self.out, "{v}");
    }

    /// Opens `{"variant":` for the enum forms that wrap their content.
    fn open_variant(&mut self, variant: &str) {
        self.out.push(b'{');
        write_str(&mut self.out, variant);
        self.out.push(b':');
    }

    fn compound(&mut self, open: u8, close: &'static [u8]) -> Compound<'_> {
        self.out.push(open);
        Compound {
            w: self,
            first: true,
            close,
        }
    }
}

/// A sequence or map being written: whether a comma is due, and what
/// closes it (`]`, `}`, or `]}` / `}}` inside a variant's wrapper).
struct Compound<'w> {
    w: &'w mut Writer,
    first: bool,
    close: &'static [u8],
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.comma();
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.comma();
        write_str(&mut self.w.out, key);
        self.w.out.push(b':');
        value.serialize(&mut *self.w)
    }

    fn finish(self) -> Result<(), Error> {
        self.w.out.extend_from_slice(self.close);
        Ok(())
    }
}

macro_rules! integers {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<(), Error> {
            self.display(v);
            Ok(())
        }
    )*};
}

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Compound<'w>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Compound<'w>;

    integers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, &v).map_err(ser::Error::custom)
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, &v).map_err(ser::Error::custom)
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(&mut self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(&mut self.out, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w>, Error> {
        Ok(self.compound(b'[', b"]"))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'w>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'w>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, Error> {
        self.open_variant(variant);
        Ok(self.compound(b'[', b"]}"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w>, Error> {
        Ok(self.compound(b'{', b"}"))
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w>, Error> {
        self.serialize_map(None)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>, Error> {
        self.open_variant(variant);
        Ok(self.compound(b'{', b"}}"))
    }
}

/// The sequences: each element after a comma.
macro_rules! elements {
    ($($kind:ident::$method:ident),*) => {$(
        impl ser::$kind for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// The structs: each field as `"key":value` after a comma.
macro_rules! fields {
    ($($kind:ident),*) => {$(
        impl ser::$kind for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish()
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        key.serialize(Key {
            out: &mut self.w.out,
        })?;
        self.w.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A map key: JSON keys are strings, so strings, characters, unit
/// variants, booleans and integers are written as strings (as serde_json
/// does) and anything else is an error.
struct Key<'a> {
    out: &'a mut Vec<u8>,
}

impl Key<'_> {
    fn quoted(self, v: impl Display) -> Result<(), Error> {
        use std::io::Write;
        self.out.push(b'"');
        let _ = write!(self.out, "{v}");
        self.out.push(b'"');
        Ok(())
    }
}

fn key_error() -> Error {
    Error("key must be a string".into())
}

macro_rules! integer_keys {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<(), Error> {
            self.quoted(v)
        }
    )*};
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    integer_keys!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128, serialize_bool: bool);

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn same_as_serde_json<T: Serialize>(value: &T) {
        let mut ours = Vec::new();
        write(&mut ours, value).expect("write");
        let theirs = serde_json::to_vec(value).expect("serde_json");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(i32, String),
        Struct { a: Option<bool>, b: Vec<f64> },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrapper(String);

    #[test]
    fn every_shape_of_the_data_model_is_written_as_serde_json_writes_it() {
        same_as_serde_json(&(
            Shape::Unit,
            Shape::Newtype(7),
            Shape::Tuple(-3, "x\"y".into()),
            Shape::Struct {
                a: None,
                b: vec![1.5, f64::NAN, -0.0, 1e300],
            },
        ));
        same_as_serde_json(&(
            Unit,
            Wrapper("w".into()),
            (),
            'é',
            '\n',
            i128::MIN,
            u64::MAX,
        ));
        same_as_serde_json(&serde_bytes_like(&[0, 1, 255]));
        let mut by_number = BTreeMap::new();
        by_number.insert(-4i32, vec![Some(1u8), None]);
        by_number.insert(9, vec![]);
        same_as_serde_json(&by_number);
        let mut by_text = BTreeMap::new();
        by_text.insert("a\tb".to_string(), BTreeMap::<String, ()>::new());
        same_as_serde_json(&by_text);
        let by_flag: BTreeMap<bool, char> = [(true, 'y'), (false, 'n')].into();
        same_as_serde_json(&by_flag);
        let empty: Vec<String> = Vec::new();
        same_as_serde_json(&empty);
    }

    /// `serialize_bytes` without pulling in serde_bytes.
    fn serde_bytes_like(b: &[u8]) -> impl Serialize + '_ {
        struct Bytes<'a>(&'a [u8]);
        impl Serialize for Bytes<'_> {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        Bytes(b)
    }

    #[test]
    fn a_key_that_is_not_a_string_or_number_is_refused() {
        let mut m = BTreeMap::new();
        m.insert(vec![1], 2);
        let mut out = Vec::new();
        let e = write(&mut out, &m).expect_err("a list as a key");
        assert_eq!(e.to_string(), "key must be a string");
        assert!(serde_json::to_vec(&m).is_err());
    }

    #[test]
    fn escapes_at_every_position_of_a_chunk() {
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}', '\u{7f}', '§'] {
            for at in 0..40 {
                let mut s: String = "a".repeat(at);
                s.push(special);
                s.push_str(&"b".repeat(40 - at));
                same_as_serde_json(&s);
            }
        }
    }

    /// What the server writes: every jurisdiction's answer (with and
    /// without its reasons) and next question for every concern, alone and
    /// combined with California.
    #[test]
    fn every_answer_of_the_corpus_is_written_as_serde_json_writes_it() {
        use crate::api::{FactKind, Facts, Policies};
        let p = Policies::embedded().expect("the built-in corpus loads");
        let concerns: Vec<String> = p
            .schema()
            .facts
            .into_iter()
            .find(|f| f.name == "concern")
            .and_then(|f| match f.kind {
                FactKind::Enum { values, .. } => Some(values.into_iter().map(|v| v.name).collect()),
                _ => None,
            })
            .expect("the schema has concerns");
        let mut written = 0;
        for j in p.jurisdictions() {
            for concern in &concerns {
                for age in [10, 40, 80] {
                    let facts = Facts::new()
                        .with("concern", concern.as_str())
                        .with("victim_age", age)
                        .with("threat_serious", true)
                        .with("victim_identifiable", true)
                        .with("victim_vulnerable", age == 80);
                    same_as_serde_json(&p.next_question(&j.code, &facts).expect("next"));
                    for explain in [false, true] {
                        let pair = [j.code.as_str(), "CA"];
                        if let Ok(c) = p.decide_all(&pair, &facts, explain) {
                            same_as_serde_json(&c);
                            assert!(c.answers.iter().all(|a| a.rule_json().is_some()));
                            let mut fast = Vec::new();
                            super::super::write_combined(&mut fast, &c).expect("write");
                            assert_eq!(
                                String::from_utf8_lossy(&fast),
                                serde_json::to_string(&c).expect("serde_json")
                            );
                            written += 1;
                        }
                    }
                }
            }
        }
        assert!(written > 1000, "only {written} answers were compared");
    }

    /// An answer changed after it was made is written from its fields, not
    /// from its rule's JSON.
    #[test]
    fn a_changed_answer_is_written_as_it_now_reads() {
        use crate::api::{Facts, Policies};
        let p = Policies::embedded().expect("the built-in corpus loads");
        let facts = Facts::new()
            .with("concern", "child_abuse")
            .with("victim_age", 10);
        let mut c = p.decide_all(&["CA"], &facts, false).expect("decides");
        assert!(c.answers[0].rule_json().is_some());
        c.answers[0].notes = vec!["changed".to_string()].into();
        assert!(c.answers[0].rule_json().is_none());
        let mut fast = Vec::new();
        super::super::write_combined(&mut fast, &c).expect("write");
        let fast = String::from_utf8_lossy(&fast).into_owned();
        assert!(fast.contains(r#""notes":["changed"]"#), "{fast}");
        assert_eq!(fast, serde_json::to_string(&c).expect("serde_json"));
    }

    proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in any::<String>()) {
            same_as_serde_json(&s);
        }

        #[test]
        fn control_heavy_strings_too(s in "[\\x00-\\x20\"\\\\a-z§]{0,80}") {
            same_as_serde_json(&s);
        }
    }
}
