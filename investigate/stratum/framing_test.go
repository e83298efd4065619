package stratum

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// frames runs the scanner over chunks and returns the framed values.
func frames(sc *scanner, chunks ...string) []string {
	var out []string
	for _, c := range chunks {
		sc.feed([]byte(c), func(b []byte) { out = append(out, string(b)) })
	}
	return out
}

// chunkings splits s in the awkward ways a TCP stream arrives: whole,
// byte by byte, in 7-byte pieces, and cut just before every newline.
func chunkings(s string) map[string][]string {
	bytewise := make([]string, len(s))
	for i := range s {
		bytewise[i] = s[i : i+1]
	}
	var sevens []string
	for i := 0; i < len(s); i += 7 {
		sevens = append(sevens, s[i:min(i+7, len(s))])
	}
	var preNL []string
	rest := s
	for {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			preNL = append(preNL, rest)
			break
		}
		preNL = append(preNL, rest[:i], rest[i:i+1])
		rest = rest[i+1:]
	}
	return map[string][]string{"whole": {s}, "bytewise": bytewise, "sevens": sevens, "split-at-newline": preNL}
}

func TestScannerFraming(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"newline-delimited", "{\"id\":1}\n{\"id\":2}\n", []string{`{"id":1}`, `{"id":2}`}},
		{"crlf", "{\"id\":1}\r\n{\"id\":2}\r\n", []string{`{"id":1}`, `{"id":2}`}},
		{"no trailing newline", `{"jsonrpc": "2.0", "method": "echo", "params": ["Testing!"], "id": "ca08159b"}`,
			[]string{`{"jsonrpc": "2.0", "method": "echo", "params": ["Testing!"], "id": "ca08159b"}`}},
		{"back to back", `{"a":1}{"b":[2,{"c":3}]} {"d":4}`, []string{`{"a":1}`, `{"b":[2,{"c":3}]}`, `{"d":4}`}},
		{"braces and quotes in strings", "{\"s\":\"}\\\"{[\",\"t\":\"\\\\\"}\n", []string{`{"s":"}\"{[","t":"\\"}`}},
		{"pretty printed", "{\n  \"id\": 1,\n  \"method\": \"login\"\n}\n", []string{"{\n  \"id\": 1,\n  \"method\": \"login\"\n}"}},
		{"batch", `[{"id":1},{"id":2}]` + "\n", []string{`[{"id":1},{"id":2}]`}},
		{"http headers skipped",
			"POST /zabbix/jsrpc.php?output=json-rpc HTTP/1.1\r\nContent-Type: application/json-rpc\r\nContent-Length: 12\r\n\r\n{\"id\":103796}POST / HTTP/1.1\r\n\r\n{\"id\":2}",
			[]string{`{"id":103796}`, `{"id":2}`}},
		{"nats verbs are not json lines", "INFO {\"server_id\":\"x\"}\r\nCONNECT {\"verbose\":false}\r\nPING\r\n", nil},
		{"binary then json", "\x16\x03\x01\x01\x0c\x01\x00\nzz{\n{\"id\":0,\"error\":[20,\"Parse error\",null]}\n",
			[]string{`{"id":0,"error":[20,"Parse error",null]}`}},
	}
	for _, c := range cases {
		for how, chunks := range chunkings(c.in) {
			var sc scanner
			if got := frames(&sc, chunks...); !slices.Equal(got, c.want) {
				t.Errorf("%s/%s: framed %q, want %q", c.name, how, got, c.want)
			}
		}
	}
}

func TestScannerGapResyncsAtNewline(t *testing.T) {
	var sc scanner
	got := frames(&sc, `{"id":1,"method":"lo`)
	sc.gap()
	got = append(got, frames(&sc, `gin","params":{}}`+"\n"+`{"id":2}`+"\n")...)
	if !slices.Equal(got, []string{`{"id":2}`}) {
		t.Fatalf("after a gap framed %q, want only the next whole line", got)
	}
}

func TestScannerGapOnAMessageBoundaryKeepsTheNextMessage(t *testing.T) {
	var sc scanner
	got := frames(&sc, "{\"id\":1}\n")
	sc.gap()
	got = append(got, frames(&sc, "{\"id\":3}\n")...)
	if !slices.Equal(got, []string{`{"id":1}`, `{"id":3}`}) {
		t.Fatalf("framed %q; an object right after the hole should be tried", got)
	}
}

func TestScannerOversizedLineIsDroppedAndCounted(t *testing.T) {
	var sc scanner
	flood := `{"id":1,"params":["` + strings.Repeat("A", MaxLineBytes+10) + `"]}` + "\n"
	got := frames(&sc, flood[:30000], flood[30000:], "{\"id\":2}\n")
	if !slices.Equal(got, []string{`{"id":2}`}) || sc.oversized != 1 {
		t.Fatalf("framed %q oversized %d; want the flood dropped once and the next message kept", got, sc.oversized)
	}
	if cap(sc.buf) > 2*MaxLineBytes {
		t.Fatalf("buffer grew to %d bytes, cap is %d", cap(sc.buf), MaxLineBytes)
	}
}

func TestScannerRawNewlineInStringIsMalformed(t *testing.T) {
	var sc scanner
	got := frames(&sc, "{\"id\":1,\"s\":\"broken\n{\"id\":2}\n")
	if !slices.Equal(got, []string{`{"id":2}`}) || sc.malformed != 1 {
		t.Fatalf("framed %q malformed %d", got, sc.malformed)
	}
}

func TestScannerGivesUpOnLongGarbage(t *testing.T) {
	tr := NewTracker("10.0.0.5:40000", "10.0.0.6:3333")
	junk := bytes.Repeat([]byte("\x17\x03\x03 binary TLS record without json\n"), maxGarbage/30)
	tr.Feed(FromClient, ts(0), 1, junk)
	if !tr.sc[FromClient].dead() {
		t.Fatalf("after %d bytes of garbage the direction should be ignored", len(junk))
	}
	tr.Feed(FromClient, ts(1), 2, []byte(`{"id":1,"method":"mining.subscribe","params":[]}`+"\n"))
	if tr.Session() != nil {
		t.Fatal("a dead direction must not be parsed any more")
	}
}
