use openrouter_langfuse::openrouter::types::ListWorkspacesResponse;

fn main() {
    // `total_count` is required by the spec.
    let _ = ListWorkspacesResponse { data: Vec::new() };
}
