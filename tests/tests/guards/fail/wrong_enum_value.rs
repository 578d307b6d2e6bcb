use openrouter_langfuse::openrouter::types::WorkspaceBudgetInterval;

fn main() {
    // The spec's intervals are daily, weekly, monthly and lifetime.
    let _ = WorkspaceBudgetInterval::Hourly;
}
