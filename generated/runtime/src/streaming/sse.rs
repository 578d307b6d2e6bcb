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
#[derive(Debug)]
pub struct SseParser {
    buffer: Vec<u8>,
    current: RawEvent,
    has_data: bool,
    /// A `\r` ended the previous chunk; a `\n` starting the next one belongs to it.
    pending_cr: bool,
    /// The most bytes one event (its partial line plus its data so far) may hold.
    limit: usize,
    exceeded: bool,
}

/// The default largest event: image generation streams send whole base64 images in one event.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 << 20;

impl Default for SseParser {
    fn default() -> Self {
        SseParser::with_limit(DEFAULT_MAX_EVENT_BYTES)
    }
}

impl SseParser {
    /// A parser at the start of a stream, with the default event limit.
    pub fn new() -> Self {
        SseParser::default()
    }

    /// A parser that stops, rather than buffer more than `limit` bytes for one event.
    pub fn with_limit(limit: usize) -> Self {
        SseParser { buffer: Vec::new(), current: RawEvent::default(), has_data: false, pending_cr: false, limit, exceeded: false }
    }

    /// Whether an event outgrew the limit; the parser then ignores all further input.
    pub fn exceeded(&self) -> bool {
        self.exceeded
    }

    fn overflows(&self, more: usize) -> bool {
        self.buffer.len().saturating_add(self.current.data.len()).saturating_add(more) > self.limit
    }

    /// Feeds bytes; returns the events they complete, in order.
    pub fn push(&mut self, mut chunk: &[u8]) -> Vec<RawEvent> {
        let mut events = Vec::new();
        if self.exceeded {
            return events;
        }
        if self.pending_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.pending_cr = false;
        let mut start = 0;
        let mut i = 0;
        while i < chunk.len() {
            match chunk[i] {
                b'\n' | b'\r' => {
                    if self.overflows(i - start) {
                        return self.overflow(events);
                    }
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
        if self.overflows(chunk.len() - start) {
            return self.overflow(events);
        }
        self.buffer.extend_from_slice(&chunk[start..]);
        events
    }

    /// Frees what the oversized event holds; the events completed before it are still returned.
    fn overflow(&mut self, events: Vec<RawEvent>) -> Vec<RawEvent> {
        self.exceeded = true;
        self.buffer = Vec::new();
        self.current = RawEvent::default();
        self.has_data = false;
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

    #[test]
    fn an_event_past_the_limit_stops_the_parser_and_frees_its_bytes() {
        let mut parser = SseParser::with_limit(64);
        assert_eq!(parser.push(b"data: small\n\n").len(), 1);
        for _ in 0..10 {
            parser.push(b"data: 0123456789012345678901234567890123456789\n");
        }
        assert!(parser.exceeded());
        assert!(parser.buffer.capacity() == 0 && parser.current.data.is_empty());
        assert!(parser.push(b"\n\ndata: later\n\n").is_empty());
        let mut line = SseParser::with_limit(64);
        line.push(&[b'a'; 65]);
        assert!(line.exceeded(), "a line without a newline counts too");
    }
}
