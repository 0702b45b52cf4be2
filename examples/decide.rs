//! A clinic app's use of mandate: load the built-in policies once, answer
//! a question from facts the clinician entered, and show the answer with
//! what it assumed.
//! `cargo run --example decide -- NY concern=danger_to_others threat_serious=true`

use mandate::{DecideError, Facts, Policies};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let jurisdiction = args.next().unwrap_or_else(|| "CA".to_string());
    let pairs: Vec<String> = args.collect();
    let facts = if pairs.is_empty() {
        Facts::new()
            .with("concern", "child_abuse")
            .with("victim_age", 10)
    } else {
        Facts::from_pairs(&pairs)?
    };

    let policies = Policies::embedded()?;
    match policies.decide(&jurisdiction, &facts) {
        Ok(answer) => {
            println!(
                "{}: {} {}",
                answer.jurisdiction,
                answer.action,
                answer.to.join(", ")
            );
            if let Some(within) = &answer.within {
                println!("  within {within}");
            }
            println!("  under {}", answer.citations.join("; "));
            for assumed in &answer.assumed {
                println!("  assumed {} = {}", assumed.fact, assumed.value);
            }
            println!("{}", answer.disclaimer);
        }
        // The answer depends on facts nobody gave: ask for them.
        Err(DecideError::Needs { facts, .. }) => {
            println!("please tell me: {}", facts.join(", "));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
