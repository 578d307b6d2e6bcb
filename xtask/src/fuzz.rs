//! `cargo xtask fuzz`: seeded mutants of every pinned spec through the whole generator, counting
//! panics, unlocated errors and emitted code that does not parse. Meant for release builds
//! (`cargo xtask` is a debug build; see README), where it runs thousands of cases; the normal
//! test run keeps a small count of the same cases.

use codegen::fuzz::{run_case, run_case_with, Outcome, Parsed};
use codegen::pin::{self, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct FuzzArgs {
    /// How many mutants to generate (alternating between the pinned specs)
    #[arg(long, default_value_t = 1000)]
    pub cases: u64,
    /// Seed of the run; with the case number it fixes each mutant
    #[arg(long, default_value_t = 0x9E37_79B9_7F4A_7C15)]
    pub seed: u64,
    /// Replay this one case of the run (as numbered in a report) and print its outcome
    #[arg(long)]
    pub case: Option<u64>,
    /// Cases generated at once
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
}

#[derive(Default)]
struct Tally {
    generated: u64,
    located: u64,
    panics: u64,
    unlocated: u64,
    unparsable: u64,
    failures: Vec<String>,
}

pub fn run(args: FuzzArgs) -> Result<(), String> {
    let root = pin::workspace_root();
    let cache = pin::default_cache_dir();
    let pins = Pin::load_all(&root.join("specs")).map_err(|e| e.to_string())?;
    let mut specs = Vec::new();
    for pin in &pins {
        let bytes = pin.read(&cache, None).map_err(|e| e.to_string())?;
        let json = codegen::load::parse_document(&pin.file, &bytes).map_err(|e| e.to_string())?;
        specs.push((pin.file.clone(), json));
    }
    if specs.is_empty() {
        return Err("no pins in specs/".into());
    }
    let spec_of = |case: u64| &specs[(case % specs.len() as u64) as usize];
    // Panics are caught and counted; the default hook would print thousands of backtraces.
    std::panic::set_hook(Box::new(|_| {}));
    if let Some(case) = args.case {
        let (file, base) = spec_of(case);
        let outcome = run_case(file, base, args.seed, case);
        println!("case {case} ({file}, seed {}): {outcome:?}", args.seed);
        return if outcome.is_failure() { Err(format!("case {case} fails")) } else { Ok(()) };
    }
    let start = Instant::now();
    let next = AtomicU64::new(0);
    let tally = Mutex::new(Tally::default());
    let parsed = Parsed::default();
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1) {
            scope.spawn(|| loop {
                let case = next.fetch_add(1, Ordering::Relaxed);
                if case >= args.cases {
                    break;
                }
                let (file, base) = spec_of(case);
                let outcome = run_case_with(file, base, args.seed, case, &parsed);
                let mut tally = tally.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                match &outcome {
                    Outcome::Generated => tally.generated += 1,
                    Outcome::Located => tally.located += 1,
                    Outcome::Panicked(_) => tally.panics += 1,
                    Outcome::Unlocated(_) => tally.unlocated += 1,
                    Outcome::Unparsable(_) => tally.unparsable += 1,
                }
                if outcome.is_failure() {
                    // At once: a long run may be cut short, and its failures are what it is for.
                    eprintln!("fuzz: case {case} ({file}) failed: {outcome:?}");
                    tally.failures.push(format!("case {case} ({file}): {outcome:?}"));
                }
                let done = tally.generated + tally.located + tally.panics + tally.unlocated + tally.unparsable;
                if done % 500 == 0 {
                    eprintln!("fuzz: {done}/{} cases, {:.0?}, {} failures so far", args.cases, start.elapsed(), tally.failures.len());
                }
            });
        }
    });
    let mut tally = tally.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    tally.failures.sort();
    let files: Vec<&str> = specs.iter().map(|(file, _)| file.as_str()).collect();
    println!(
        "fuzz: {} cases over {} (seed {}) in {:.1?}: {} generated (all parse: {}), {} located errors, {} panics, {} unlocated errors, {} unparsable outputs",
        args.cases,
        files.join(" + "),
        args.seed,
        start.elapsed(),
        tally.generated,
        tally.unparsable == 0,
        tally.located,
        tally.panics,
        tally.unlocated,
        tally.unparsable,
    );
    if tally.failures.is_empty() {
        return Ok(());
    }
    for failure in tally.failures.iter().take(50) {
        println!("  {failure}");
    }
    Err(format!("{} of {} cases failed (replay one with --seed {} --case N)", tally.failures.len(), args.cases, args.seed))
}
