package stratum

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// rpc is one JSON-RPC message with the members we look at kept raw, so blobs
// (job blobs, Equihash solutions) are scanned but never decoded.
type rpc struct {
	ID     json.RawMessage `json:"id"`
	Method json.RawMessage `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
	Worker json.RawMessage `json:"worker"`
}

// parseRPC extracts the members of one message; false if it is not a valid
// JSON object.
func parseRPC(b []byte) (m rpc, ok bool) {
	ok = members(b, func(k, v []byte) {
		switch string(k) {
		case "id":
			m.ID = v
		case "method":
			m.Method = v
		case "params":
			m.Params = v
		case "result":
			m.Result = v
		case "error":
			m.Error = v
		case "worker":
			m.Worker = v
		}
	})
	return m, ok
}

// isResponse reports a message without a method that carries result or error.
func (m *rpc) isResponse() bool { return len(m.Result) > 0 || len(m.Error) > 0 }

// str decodes a raw JSON string; anything else (number, null, object) is "".
func str(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '"' {
		return ""
	}
	// Fast path: no escapes and valid UTF-8 decode to themselves.
	if in := raw[1 : len(raw)-1]; bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		return string(in)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// isNull reports an absent or null member.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// array returns the raw elements of a JSON array (nil if not an array).
func array(raw json.RawMessage) []json.RawMessage {
	var a []json.RawMessage
	if !elements(raw, func(v []byte) { a = append(a, v) }) {
		return nil
	}
	return a
}

// stringList decodes the string elements of a raw array, skipping the others.
func stringList(raw json.RawMessage) []string {
	var out []string
	elements(raw, func(v []byte) {
		if s := str(v); s != "" {
			out = append(out, s)
		}
	})
	return out
}

// number decodes a raw JSON number (or a numeric string, as some pools send).
func number(raw json.RawMessage) (float64, bool) {
	raw = bytes.TrimSpace(raw)
	if s := str(raw); s != "" {
		raw = json.RawMessage(s)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// errorText extracts the pool's message from an error member: Stratum v1's
// [code, "message", traceback], XMRig's {"code":-1,"message":"…"}, or a bare
// string. It returns "" for null.
func errorText(raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	if s := str(raw); s != "" {
		return s
	}
	if a := array(raw); a != nil {
		for _, e := range a {
			if s := str(e); s != "" {
				return s
			}
		}
		return strings.TrimSpace(string(raw))
	}
	var msg []byte
	if members(raw, func(k, v []byte) {
		if string(k) == "message" {
			msg = v
		}
	}) {
		if s := str(msg); s != "" {
			return s
		}
	}
	return strings.TrimSpace(string(raw))
}

// isHex reports whether s (after an optional 0x) is n hex digits; n <= 0
// accepts any non-zero length.
func isHex(s string, n int) bool {
	s = strings.TrimPrefix(s, "0x")
	if s == "" || (n > 0 && len(s) != n) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// ethWork recognises an eth-proxy work package: an array whose first three
// elements are 0x-prefixed 32-byte hashes (header, seed, boundary), as sent
// in answer to eth_getWork and pushed unasked with id 0.
func ethWork(raw json.RawMessage) []string {
	a := stringList(raw)
	if len(a) < 3 {
		return nil
	}
	for i, h := range a[:3] {
		// header and seed are full 32-byte hashes; the boundary may drop
		// leading zeros ("0x0112e0be…", 58 digits, from a real pool).
		if !strings.HasPrefix(h, "0x") || (i < 2 && !isHex(h, 64)) || (i == 2 && (!isHex(h, 0) || len(h) > 66)) {
			return nil
		}
	}
	return a
}

// Difficulty converts a pool target to the difficulty it implies, the
// expected number of hashes per share: 2^32/t for XMRig's 8-hex compact
// target (a little-endian uint32), 2^64/t for a 16-hex little-endian uint64,
// and 2^256/t for a 64-hex big-endian 256-bit target (Stratum
// mining.set_target) or any 0x-prefixed one (eth-proxy boundary, which may
// drop leading zeros). It returns 0 when the target is not hex or is zero.
func Difficulty(target string) float64 {
	t, bigEndian := strings.CutPrefix(target, "0x")
	if !isHex(t, 0) || len(t) > 64 {
		return 0
	}
	if bigEndian {
		t = strings.Repeat("0", 64-len(t)) + t // eth boundaries drop leading zeros
	}
	switch len(t) {
	case 8, 16:
		b := make([]byte, len(t)/2)
		for i := range b {
			v, _ := strconv.ParseUint(t[2*i:2*i+2], 16, 8)
			b[i] = byte(v)
		}
		var le uint64
		for i := len(b) - 1; i >= 0; i-- {
			le = le<<8 | uint64(b[i])
		}
		if le == 0 {
			return 0
		}
		return round2(math.Ldexp(1, 4*len(t)) / float64(le))
	case 64:
		n, ok := new(big.Int).SetString(t, 16)
		if !ok || n.Sign() == 0 {
			return 0
		}
		q := new(big.Float).Quo(new(big.Float).SetMantExp(big.NewFloat(1), 256), new(big.Float).SetInt(n))
		f, _ := q.Float64()
		return round2(f)
	}
	return 0
}

func round2(f float64) float64 {
	if f > 1e12 {
		return math.Round(f)
	}
	return math.Round(f*100) / 100
}

// rawText makes the kept copy of a message: at most MaxRawBytes, cut on a
// rune boundary, invalid UTF-8 replaced by U+FFFD so the JSON export is
// faithful. It is NOT sanitised for terminals: display edges do that.
func rawText(b []byte, limit int) (string, bool) {
	cut := false
	if len(b) > limit {
		end := limit
		for i := limit; i > 0 && i > limit-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				end = i
				break
			}
		}
		b, cut = b[:end], true
	}
	if utf8.Valid(b) {
		return string(b), cut
	}
	out := strings.ToValidUTF8(string(b), "\uFFFD")
	for len(out) > limit { // each replaced byte grew to three
		_, size := utf8.DecodeLastRuneInString(out)
		out, cut = out[:len(out)-size], true
	}
	return out, cut
}

// idCopy keeps a message id as sent (number, string, null), bounded.
func idCopy(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	if len(raw) > 128 || !utf8.Valid(raw) {
		s, _ := rawText(raw, 64)
		b, _ := json.Marshal(s)
		return b
	}
	return append(json.RawMessage(nil), raw...)
}

// looksLikeHost accepts a DNS name or address as sent in subscribe params.
func looksLikeHost(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	dot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			dot = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == ':':
		default:
			return false
		}
	}
	return dot
}
