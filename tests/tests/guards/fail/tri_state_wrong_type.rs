use openrouter_langfuse::openrouter::Client;
use openrouter_langfuse::runtime::Uuid;

fn main() {
    let client = Client::from_env().unwrap();
    // `api_key_hashes` takes a list of strings, `None` (null) or nothing at all — not a number.
    let _ = client.observability().update(Uuid::nil()).api_key_hashes(42);
}
