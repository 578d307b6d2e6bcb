//! Seeded mutation of real specs (issue 11): odd names, dropped and case-twinned keys, retyped
//! schemas, repeated enum values. Each case is replayable from `(seed, case)` alone, so a failure
//! found in a long release run can be reproduced without rerunning the cases before it. Used by
//! `cargo xtask fuzz` and, with a small count, by `codegen/tests/hostile.rs`.

use crate::pipeline::{generate_api_guarded, ApiInput, GenerateError};
use serde_json::Value;

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// The generator for one case: the seed and case number are mixed (splitmix64) so that
    /// neighbouring cases do not start from neighbouring states; never zero (xorshift's fixpoint).
    pub fn for_case(seed: u64, case: u64) -> Rng {
        let mut z = seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)).max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

const ODD_NAMES: [&str; 18] =
    ["²", "٣x", "𝟙", "", "self", "Self", "type", "日本", "a b", "-", "0", "crate", "_", "Result", "lib", "ｆｏｏ", "café", "r#x"];
const TYPES: [&str; 7] = ["string", "integer", "number", "boolean", "object", "array", "null"];

/// One random edit somewhere in `doc`: rename a key to an odd name, drop a key, duplicate a key
/// under a name equal after casing, retype a schema, or repeat an enum value.
pub fn mutate(doc: &mut Value, rng: &mut Rng) {
    // Walk down from a likely-interesting root, stopping at a random depth; the walk reads, then
    // the edit goes through the pointer it found.
    let roots = ["components", "paths"];
    let root = roots[rng.below(roots.len())];
    let Some(mut node) = doc.get(root) else { return };
    let mut pointer = format!("/{root}");
    let depth = 1 + rng.below(7);
    for _ in 0..depth {
        let next = match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
                map.get(&key).filter(|v| v.is_object() || v.is_array()).map(|v| (crate::error::escape_token(&key), v))
            }
            Value::Array(items) if !items.is_empty() => {
                let index = rng.below(items.len());
                items.get(index).filter(|v| v.is_object() || v.is_array()).map(|v| (index.to_string(), v))
            }
            _ => None,
        };
        match next {
            Some((token, next)) => {
                pointer = format!("{pointer}/{token}");
                node = next;
            }
            None => break,
        }
    }
    let Some(Value::Object(map)) = doc.pointer_mut(&pointer) else { return };
    if map.is_empty() {
        return;
    }
    let key = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
    match rng.below(5) {
        0 => {
            let value = map.shift_remove(&key).unwrap_or_default();
            let name = ODD_NAMES[rng.below(ODD_NAMES.len())];
            let name = if rng.below(2) == 0 { name.to_string() } else { format!("{key}{name}") };
            map.insert(name, value);
        }
        1 => {
            map.shift_remove(&key);
        }
        2 => {
            let value = map[&key].clone();
            let twin = if key.chars().next().is_some_and(char::is_uppercase) { key.to_lowercase() } else { key.to_uppercase() };
            map.insert(twin, value);
        }
        3 => {
            map.insert("type".into(), Value::from(TYPES[rng.below(TYPES.len())]));
        }
        _ => {
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                if let Some(first) = values.first().cloned() {
                    values.push(first);
                }
            } else {
                map.insert("enum".into(), serde_json::json!([1, 1.5, "x", 1]));
            }
        }
    }
}

/// How one mutant fared.
#[derive(Debug)]
pub enum Outcome {
    /// Generated, and every emitted Rust file parses.
    Generated,
    /// Refused with an error located by file and JSON pointer: acceptable.
    Located,
    /// The generator panicked (caught, but a bug).
    Panicked(String),
    /// An error a user could not find in the spec: no pointer, or not a spec error at all.
    Unlocated(String),
    /// Generation succeeded but emitted code that does not parse.
    Unparsable(String),
}

impl Outcome {
    pub fn is_failure(&self) -> bool {
        !matches!(self, Outcome::Generated | Outcome::Located)
    }
}

/// Emitted files already known to parse, by content: most files of a mutant are byte-identical to
/// ones an earlier case emitted, and the same bytes parse the same way, so a long run parses each
/// distinct file once (about a third of a case's time otherwise).
#[derive(Default)]
pub struct Parsed(std::sync::Mutex<foldhash::HashSet<[u8; 32]>>);

impl Parsed {
    fn check(&self, contents: &str) -> Result<(), syn::Error> {
        use sha2::Digest;
        let key: [u8; 32] = sha2::Sha256::digest(contents.as_bytes()).into();
        let known = |set: &std::sync::Mutex<foldhash::HashSet<[u8; 32]>>| set.lock().map(|s| s.contains(&key)).unwrap_or(false);
        if known(&self.0) {
            return Ok(());
        }
        syn::parse_file(contents)?;
        if let Ok(mut set) = self.0.lock() {
            set.insert(key);
        }
        Ok(())
    }
}

/// One case: 1–3 mutations of `base` (the spec `spec_file` as JSON), generated as API `mutant`.
pub fn run_case(spec_file: &str, base: &Value, seed: u64, case: u64) -> Outcome {
    run_case_with(spec_file, base, seed, case, &Parsed::default())
}

/// [`run_case`], sharing what earlier cases found to parse.
pub fn run_case_with(spec_file: &str, base: &Value, seed: u64, case: u64, parsed: &Parsed) -> Outcome {
    let mut rng = Rng::for_case(seed, case);
    let mut doc = base.clone();
    for _ in 0..1 + rng.below(3) {
        mutate(&mut doc, &mut rng);
    }
    let bytes = match serde_json::to_vec(&doc) {
        Ok(bytes) => bytes,
        Err(e) => return Outcome::Unlocated(format!("the mutant does not serialise: {e}")),
    };
    let input = ApiInput {
        name: "mutant".into(),
        title: "Mutant".into(),
        pin_file: "mutant.toml".into(),
        sha256: "0".into(),
        spec_file: spec_file.to_string(),
        spec: bytes,
        overlays: Vec::new(),
        profile: Default::default(),
        other_version: false,
    };
    match generate_api_guarded(&input) {
        Ok(files) => {
            for file in files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")) {
                if let Err(e) = parsed.check(&file.contents) {
                    return Outcome::Unparsable(format!("{} does not parse: {e}", file.path.display()));
                }
            }
            Outcome::Generated
        }
        // A document that does not parse at all is located by line and column instead.
        Err(GenerateError::Spec(e)) if !e.file.is_empty() && (e.pointer.starts_with('/') || e.message.starts_with("invalid")) => Outcome::Located,
        Err(GenerateError::Emit { message, .. }) if message.contains("the generator panicked") => Outcome::Panicked(message),
        Err(e) => Outcome::Unlocated(e.to_string()),
    }
}
