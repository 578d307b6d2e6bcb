//! Server-sent events (the WHATWG event-stream format) decoded into typed events.
//!
//! The parser is incremental: bytes arrive in arbitrary pieces (an event may be split across TCP
//! reads, a line across two chunks, CRLF across two chunks), and events come out as soon as their
//! blank line arrives. Comment lines (`: OPENROUTER PROCESSING`) are keep-alives and produce nothing.

/// One event as sent: its `event:` name (if any) and its `data:` lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawEvent {
    /// The `event:` field, when the server named the event.
    pub event: Option<String>,
    /// The `data:` lines, joined with newlines.
    pub data: String,
    /// The `id:` field, when sent.
    pub id: Option<String>,
}

/// Incremental event-stream parser.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    current: RawEvent,
    has_data: bool,
    /// A `\r` ended the previous chunk; a `\n` starting the next one belongs to it.
    pending_cr: bool,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        SseParser::default()
    }

    /// Feeds bytes; returns the events they complete, in order.
    pub fn push(&mut self, mut chunk: &[u8]) -> Vec<RawEvent> {
        let mut events = Vec::new();
        if self.pending_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.pending_cr = false;
        let mut start = 0;
        let mut i = 0;
        while i < chunk.len() {
            match chunk[i] {
                b'\n' | b'\r' => {
                    self.buffer.extend_from_slice(&chunk[start..i]);
                    let line = std::mem::take(&mut self.buffer);
                    if let Some(event) = self.line(&line) {
                        events.push(event);
                    }
                    if chunk[i] == b'\r' {
                        if i + 1 < chunk.len() {
                            if chunk[i + 1] == b'\n' {
                                i += 1;
                            }
                        } else {
                            self.pending_cr = true;
                        }
                    }
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        self.buffer.extend_from_slice(&chunk[start..]);
        events
    }

    /// The end of the stream: an event without its closing blank line is incomplete and dropped
    /// by the format's rules; this reports whether such a partial event was pending.
    pub fn finish(&mut self) -> bool {
        let partial = self.has_data || !self.buffer.is_empty();
        self.buffer.clear();
        self.current = RawEvent::default();
        self.has_data = false;
        partial
    }

    fn line(&mut self, line: &[u8]) -> Option<RawEvent> {
        if line.is_empty() {
            if !self.has_data {
                self.current = RawEvent::default();
                return None;
            }
            self.has_data = false;
            return Some(std::mem::take(&mut self.current));
        }
        if line[0] == b':' {
            return None;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.find(':') {
            Some(colon) => {
                let value = &text[colon + 1..];
                (&text[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (text.as_ref(), ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.current.event = Some(value.to_string()),
            "id" => self.current.id = Some(value.to_string()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut parser = SseParser::new();
        chunks.iter().flat_map(|c| parser.push(c)).collect()
    }

    #[test]
    fn events_split_anywhere_decode_the_same() {
        let stream = b": OPENROUTER PROCESSING\r\n\r\nevent: ping\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\ndata: [DONE]\r\n\r\n";
        let whole = all(&[stream]);
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0].event.as_deref(), Some("ping"));
        assert_eq!(whole[0].data, "{\"a\":\n1}");
        assert_eq!(whole[1].data, "[DONE]");
        for split in 1..stream.len() {
            assert_eq!(all(&[&stream[..split], &stream[split..]]), whole, "split at {split}");
        }
    }
}
