use openrouter_langfuse::openrouter::Client;

fn main() {
    let client = Client::from_env().unwrap();
    // Listing models cannot stream: the spec offers no text/event-stream answer for it.
    let _ = client.models().list().send_stream();
}
