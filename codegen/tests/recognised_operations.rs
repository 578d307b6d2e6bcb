//! Streaming and paginated operations are found from the specs (media types, parameters and
//! response shapes), not listed by hand. This pins what is found, and prints it.

use codegen::emit::{paging_of, stream_event, Paging};

#[test]
fn streaming_and_paginated_operations_found_in_the_pinned_specs() {
    let root = codegen::pin::workspace_root();
    let inputs = codegen::pipeline::inputs_from_pins(&root, None).unwrap_or_else(|e| panic!("{e}"));
    for input in &inputs {
        let (_, api) = codegen::pipeline::resolve_input(input).unwrap_or_else(|e| panic!("{e}"));
        let streaming: Vec<&str> = api.operations.iter().filter(|op| stream_event(op).is_some()).map(|op| op.id.as_str()).collect();
        let mut paged: Vec<(String, &str)> = api.operations.iter().filter_map(|op| paging_of(&api, op).map(|p| (format!("{p:?}"), op.id.as_str()))).collect();
        paged.sort();
        eprintln!("{}: streaming {streaming:?}", input.name);
        eprintln!("{}: paginated ({}) {paged:?}", input.name, paged.len());
        match input.name.as_str() {
            "openrouter" => {
                // /embeddings and /rerank declare an event stream that "is not used" (a plain string schema).
                assert_eq!(streaming, ["sendChatCompletionRequest", "createImages", "createMessages", "createResponses"]);
                assert!(paged.iter().all(|(p, _)| p == &format!("{:?}", Paging::Offset)));
                assert!(paged.len() >= 15, "{paged:?}");
            }
            "langfuse" => {
                assert!(streaming.is_empty());
                let pages = paged.iter().filter(|(p, _)| p == "Page").count();
                let cursors = paged.iter().filter(|(p, _)| p == "Cursor").count();
                assert!(pages >= 15 && cursors >= 3, "{paged:?}");
            }
            other => panic!("unexpected API {other}"),
        }
    }
}
