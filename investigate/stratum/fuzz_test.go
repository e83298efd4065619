package stratum

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzFeed feeds arbitrary client and server bytes, whole and in chunks
// derived from seed, and checks that nothing panics, the caps hold, the
// four steps are always there in order, the session marshals, and chunking
// does not change what is reconstructed.
func FuzzFeed(f *testing.F) {
	f.Add([]byte(xmrigLogin+"\n"+xmrigSubmit2+"\n"), []byte(xmrigLoginResult+"\n"+xmrigJob+"\n"+xmrigAccepted2), uint16(7))
	f.Add([]byte(`{"id":1,"method":"mining.subscribe","params":["EWBF 0.3.4b",null,"eu1-zcash.flypool.org","3333"]}`+"\n"),
		[]byte(`{"id":113,"result": null,"error": [21, "Stale job!"]}`+"\n"), uint16(1))
	f.Add([]byte("POST / HTTP/1.1\r\nContent-Length: 44\r\n\r\n{\"method\": \"getwork\", \"params\": [], \"id\":0}"), []byte(`{"id":0,"result":null,"error":[20,"Parse error",null]}`), uint16(300))
	f.Add([]byte(`[{"id":1,"method":"eth_submitLogin","params":["0xab"]},{"id":"x"}]`), []byte(`{"id":0,"result":["0x1","0x2","0x3"]}{"a":"\"}`), uint16(2))
	f.Fuzz(func(t *testing.T, client, server []byte, seed uint16) {
		whole := NewTracker("a:1", "b:2")
		whole.Feed(FromClient, ts(0), 1, client)
		whole.Feed(FromServer, ts(1), 2, server)

		chunked := NewTracker("a:1", "b:2")
		frame := 0
		for _, side := range []struct {
			d    Direction
			data []byte
		}{{FromClient, client}, {FromServer, server}} {
			step, data := int(seed%97)+1, side.data
			for len(data) > 0 {
				n := min(step, len(data))
				frame++
				chunked.Feed(side.d, ts(frame), frame, data[:n])
				data = data[n:]
				step = step*7%97 + 1
			}
		}
		a, b := whole.Session(), chunked.Session()
		if (a == nil) != (b == nil) {
			t.Fatalf("chunking changed whether it is Stratum: whole %v chunked %v", a != nil, b != nil)
		}
		if a == nil {
			return
		}
		for _, s := range []*Session{a, b} {
			if len(s.Steps) != 4 || s.Steps[0].Step != StepLogin || s.Steps[3].Step != StepResult {
				t.Fatalf("steps %+v", s.Steps)
			}
			if len(s.Messages) > MaxMessages || len(s.JobIDs) > maxListItems {
				t.Fatalf("caps broken: %d messages, %d job ids", len(s.Messages), len(s.JobIDs))
			}
			for _, m := range s.Messages {
				if len(m.Raw) > MaxRawBytes || !utf8.ValidString(m.Raw) || !json.Valid(m.ID) {
					t.Fatalf("message breaks its bounds: raw %d bytes (valid UTF-8 %v), id %q", len(m.Raw), utf8.ValidString(m.Raw), m.ID)
				}
			}
			if _, err := json.Marshal(s); err != nil {
				t.Fatalf("session does not marshal: %v", err)
			}
		}
		if a.Dialect != b.Dialect || a.MessagesTotal != b.MessagesTotal || a.Accepted != b.Accepted ||
			a.Rejected != b.Rejected || a.Login != b.Login || !reflect.DeepEqual(a.JobIDs, b.JobIDs) {
			t.Fatalf("chunking changed the reconstruction:\nwhole   %+v\nchunked %+v", a, b)
		}
		for i := range a.Steps {
			if a.Steps[i].Count != b.Steps[i].Count || a.Steps[i].Inferred != b.Steps[i].Inferred {
				t.Fatalf("step %d differs: %+v vs %+v", i, a.Steps[i], b.Steps[i])
			}
		}
	})
}

// FuzzWalkerMatchesJSONValid checks the hand-written JSON walker against
// encoding/json: the same inputs are valid, and walking members or
// elements of anything never panics.
func FuzzWalkerMatchesJSONValid(f *testing.F) {
	for _, s := range []string{xmrigLogin, xmrigLoginResult, xmrigRejected3, `[1,-0.5e+3,"\u00e9\n",null,true,false,{}]`,
		`{"a":01}`, `{"a":"\x01"}`, `{"a" 1}`, `[1,]`, `"\ud800"`, `1.`, `-`, `{"\u006dethod":"login"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.Count(b, []byte("["))+bytes.Count(b, []byte("{")) >= maxDepth {
			t.Skip("deeper than the walker's nesting limit")
		}
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid = %v", b, got, want)
		}
		members(b, func(k, v []byte) { _ = str(v) })
		elements(b, func(v []byte) { _, _ = number(v) })
	})
}
