//! Arbitrary facts (any integers, any unknowns) against every shipped
//! jurisdiction: deciding never panics, and the index agrees with the
//! plain evaluator.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn tables() -> &'static (mandate::table::Tables, mandate::table::Decider) {
    static T: OnceLock<(mandate::table::Tables, mandate::table::Decider)> = OnceLock::new();
    T.get_or_init(|| {
        let loaded = mandate::loader::embedded();
        let t = mandate::pipeline::analyse(loaded.sources, loaded.diags).tables.expect("corpus compiles");
        let d = t.decider();
        (t, d)
    })
}

fuzz_target!(|data: &[u8]| {
    let (tables, decider) = tables();
    if data.is_empty() {
        return;
    }
    let t = data[0] as usize % tables.tables.len();
    let mut values: Vec<Option<i64>> = Vec::new();
    for chunk in data[1..].chunks(9).take(tables.columns.len()) {
        let mut raw = [0u8; 8];
        raw[..chunk.len().min(8)].copy_from_slice(&chunk[..chunk.len().min(8)]);
        let v = i64::from_le_bytes(raw);
        values.push(if chunk.len() == 9 && chunk[8] & 1 == 1 { None } else { Some(v % 200) });
    }
    values.resize(tables.columns.len(), None);
    let plain = tables.tables[t].decide(&values);
    let fast = decider.decide(tables, t, &values);
    assert_eq!(plain, fast);
    let facts = mandate::table::Facts { values };
    let _ = tables.decide(&tables.tables[t], &facts);
});
