//! Generated policies for benchmarks, limit tests and property tests:
//! deterministic (a seed, no randomness crate) and written as policy text,
//! so they exercise the whole pipeline from the parser on.

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// The shipped schema's concerns, in declaration order.
pub const CONCERNS: [&str; 8] = [
    "child_abuse",
    "elder_abuse",
    "dependent_adult_abuse",
    "danger_to_others",
    "danger_to_self",
    "court_order",
    "subpoena",
    "client_authorization",
];
/// The shipped schema's roles, in declaration order.
pub const ROLES: [&str; 5] = [
    "psychologist",
    "psychiatrist",
    "counselor",
    "social_worker",
    "marriage_family_therapist",
];
const FLAGS: [&str; 6] = [
    "threat_serious",
    "victim_identifiable",
    "threat_imminent",
    "victim_vulnerable",
    "in_care_facility",
    "subpoena_assurances",
];
const RECIPIENTS: [&str; 6] = [
    "child_protective_services",
    "adult_protective_services",
    "law_enforcement",
    "potential_victim",
    "family",
    "health_provider",
];
const ACTIONS: [&str; 4] = [
    "must_report",
    "must_disclose",
    "may_disclose",
    "must_not_disclose",
];
const AGES: [(u32, u32); 4] = [(0, 17), (18, 59), (60, 64), (65, 130)];

/// A jurisdiction `ZZ` extending `US` with `n` rules (at most 10,240)
/// over the shipped schema. A tenth are *broad* rules, each owning one
/// block of concern × role × age band × the first three flags; the rest
/// own one *cell* (a block and the last three flags) and override the
/// broad rule of their block when there is one. So rules never conflict,
/// and priority by `overrides` is exercised at scale.
pub fn jurisdiction(n: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::from("jurisdiction ZZ \"Synthetic\" extends US {\n  reviewed 2026-11-27\n  source \"generated\"\n");
    const BLOCKS: usize = 8 * 5 * 4 * 8;
    let n = n.min(BLOCKS * 8);
    let broad = (n / 10).min(BLOCKS);
    // Block k: concern, role, age band, first three flags.
    let block = |k: usize| (k % 8, (k / 8) % 5, (k / 40) % 4, k / 160);
    let decision = |rng: &mut Rng| {
        let action = ACTIONS[rng.below(4) as usize];
        let to = if action == "must_not_disclose" {
            String::new()
        } else {
            format!(" to [{}]", RECIPIENTS[rng.below(6) as usize])
        };
        format!("{action}{to}")
    };
    let flags = |bits: usize, from: usize, count: usize| -> String {
        (0..count)
            .map(|k| {
                format!(
                    "{}{}",
                    if bits & (1 << k) != 0 {
                        " and "
                    } else {
                        " and not "
                    },
                    FLAGS[from + k]
                )
            })
            .collect()
    };
    // Broad blocks are spread over the block space with a coprime stride.
    let broad_blocks: Vec<usize> = (0..broad).map(|i| (i * 37) % BLOCKS).collect();
    for (i, &k) in broad_blocks.iter().enumerate() {
        let (c, r, a, f) = block(k);
        out.push_str(&format!(
            "  rule b{i} {{\n    when concern == {} and role == {} and victim_age in {}..={}{}\n    then {}\n    cite \"Synthetic Code § b{i}\"\n  }}\n",
            CONCERNS[c], ROLES[r], AGES[a].0, AGES[a].1, flags(f, 0, 3), decision(&mut rng)
        ));
    }
    for i in 0..n - broad {
        let cell = (i * 7919) % (BLOCKS * 8);
        let (k, low) = (cell % BLOCKS, cell / BLOCKS);
        let (c, r, a, f) = block(k);
        let over = broad_blocks
            .iter()
            .position(|&b| b == k)
            .map(|b| format!("    overrides b{b}\n"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  rule c{i} {{\n    when concern == {} and role == {} and victim_age in {}..={}{}{}\n    then {}\n{over}    cite \"Synthetic Code § c{i}\"\n  }}\n",
            CONCERNS[c], ROLES[r], AGES[a].0, AGES[a].1, flags(f, 0, 3), flags(low, 3, 3), decision(&mut rng)
        ));
    }
    out.push_str("}\n");
    out
}

/// Random complete facts over the shipped schema's columns, realistic in
/// shape: every concern, ages across the range, flags and roles mixed.
pub fn facts(columns: &[crate::table::Column], rng: &mut Rng) -> Vec<Option<i64>> {
    columns
        .iter()
        .map(|c| {
            Some(match &c.ty {
                crate::table::ColumnType::Bool => rng.below(2) as i64,
                crate::table::ColumnType::Int { lo, hi }
                | crate::table::ColumnType::Date { lo, hi } => {
                    *lo + rng.below((*hi - *lo + 1) as u64) as i64
                }
                crate::table::ColumnType::Enum { variants, .. } => {
                    rng.below(variants.len() as u64) as i64
                }
            })
        })
        .collect()
}

/// Time `iters` decisions cycling through a workload of `n` prepared
/// inputs (a power of two, so picking the next is a mask, not a
/// division), in one loop that every benchmark and every engine shares:
/// `decide(k)` answers the k-th input and its answer goes through
/// `black_box`. Under criterion's own `iter` the workload counter lives
/// in memory across `black_box`, which added up to a nanosecond per
/// decision on some layouts: noise for a peer, a sixth of a mandate
/// decision. The peers benchmark reports mandate under both loops.
pub fn cycle<O>(iters: u64, n: usize, mut decide: impl FnMut(usize) -> O) -> std::time::Duration {
    assert!(n.is_power_of_two(), "a workload of 2^k inputs");
    let mask = n - 1;
    let start = std::time::Instant::now();
    for k in 0..iters {
        std::hint::black_box(decide(k as usize & mask));
    }
    start.elapsed()
}
