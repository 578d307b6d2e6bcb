use openrouter_langfuse::openrouter::types::ListWorkspacesResponse;

fn main() {
    // `total_count` is required by the spec, so `new` asks for it.
    let _ = ListWorkspacesResponse::new(Vec::new());
}
