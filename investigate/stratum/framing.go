package stratum

import "bytes"

// Limits that bound the memory one Tracker can use, whatever the peer sends.
const (
	// MaxLineBytes caps one JSON message. node-stratum-pool drops a socket
	// after 1 KiB without a newline; Equihash submits are ~2.9 KB, so 64 KiB
	// leaves room for every real dialect while stopping a flood.
	MaxLineBytes = 64 << 10
	// MaxRawBytes caps the text kept per Message.
	MaxRawBytes = 4 << 10
	// MaxMessages caps the messages kept per Session (MessagesTotal counts all).
	MaxMessages = 2000
	// maxRawBudget caps the raw text kept per Tracker across all messages.
	maxRawBudget = 1 << 20
	// maxGarbage is how many bytes a direction may send without a single
	// parsable JSON message before the tracker stops scanning it: a binary or
	// TLS stream costs nothing after that.
	maxGarbage = 256 << 10
)

// scanner states.
const (
	stIdle   = iota // between messages: skipping whitespace, expecting '{' or '['
	stMsg           // inside a JSON value
	stSkip          // skipping to the next newline (garbage, HTTP header, resync)
	stResync        // after a gap: an object may start right here, else skip the line
)

// scanner splits one direction's byte stream into JSON values. It does not
// rely on newlines alone: it tracks bracket depth outside strings, so a
// message without a trailing newline, two objects back to back and a
// pretty-printed object all frame correctly. Lines that do not start with
// '{' or '[' (HTTP headers, NATS verbs, binary) are skipped to the newline,
// which is also where it resynchronises after a gap or a broken message.
type scanner struct {
	buf       []byte // bytes of the current message carried over from earlier chunks
	state     int
	depth     int
	inStr     bool
	esc       bool
	oversized int
	malformed int // messages cut by a raw newline inside a string
	garbage   int // bytes skipped without any message
	messages  int // JSON values framed
}

// dead reports that the direction has sent only garbage for long enough.
func (s *scanner) dead() bool { return s.messages == 0 && s.garbage > maxGarbage }

// gap drops the partial message and resynchronises: if the bytes after the
// hole open an object it is tried (the hole may have ended on a message
// boundary; a nested object caught mid-message parses as nothing useful),
// otherwise framing restarts at the next newline.
func (s *scanner) gap() {
	s.reset()
	s.state = stResync
}

// dropOversized discards a message that outgrew MaxLineBytes; its bytes
// count as garbage so a stream of huge lines is abandoned like binary.
func (s *scanner) dropOversized() {
	s.oversized++
	s.garbage += MaxLineBytes
	s.reset()
	s.state = stSkip
}

func (s *scanner) reset() {
	s.buf = s.buf[:0]
	s.depth, s.inStr, s.esc = 0, false, false
	s.state = stIdle
}

// feed scans data and calls emit for every complete JSON value. The slice
// passed to emit is only valid during the call.
func (s *scanner) feed(data []byte, emit func([]byte)) {
	i := 0
	for i < len(data) {
		switch s.state {
		case stSkip:
			j := bytes.IndexByte(data[i:], '\n')
			if j < 0 {
				s.garbage += len(data) - i
				return
			}
			s.garbage += j + 1
			i += j + 1
			s.state = stIdle
		case stIdle, stResync:
			c := data[i]
			switch {
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
				i++
			case c == '{' || (c == '[' && s.state == stIdle):
				s.state, s.depth = stMsg, 0
			default:
				s.state = stSkip
			}
		case stMsg:
			i = s.scanMsg(data, i, emit)
		}
	}
}

// scanMsg consumes message bytes from data[i:] and returns where it stopped.
func (s *scanner) scanMsg(data []byte, i int, emit func([]byte)) int {
	start := i
	for ; i < len(data); i++ {
		c := data[i]
		if s.inStr && !s.esc {
			// Jump over a run of plain string bytes (hex blobs, mostly):
			// one SIMD search for the closing quote, then check the run
			// holds no escape or newline.
			if q := bytes.IndexByte(data[i:], '"'); q > 0 {
				run := data[i : i+q]
				if bytes.IndexByte(run, '\\') < 0 && bytes.IndexByte(run, '\n') < 0 {
					if len(s.buf)+(i+q-start) >= MaxLineBytes {
						s.dropOversized()
						return i + q
					}
					i += q
					c = data[i]
				}
			}
		}
		if s.inStr {
			switch {
			case s.esc:
				s.esc = false
			case c == '\\':
				s.esc = true
			case c == '"':
				s.inStr = false
			case c == '\n':
				// A raw newline cannot be inside a JSON string: the message is
				// broken (or we are out of sync); restart on the next line.
				s.malformed++
				s.reset()
				return i + 1
			}
			continue
		}
		switch c {
		case '"':
			s.inStr = true
		case '{', '[':
			s.depth++
		case '}', ']':
			s.depth--
			if s.depth == 0 {
				s.messages++
				if len(s.buf) == 0 {
					emit(data[start : i+1])
				} else {
					s.buf = append(s.buf, data[start:i+1]...)
					emit(s.buf)
				}
				s.reset()
				return i + 1
			}
		}
		if len(s.buf)+(i-start) >= MaxLineBytes {
			s.dropOversized()
			return i + 1
		}
	}
	s.buf = append(s.buf, data[start:]...)
	return i
}
