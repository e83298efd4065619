package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/capture/capturetest"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// wantJSON is the document as writeJSON (json.MarshalIndent of the whole
// value plus the control escaping) prints it: the reference the streamed
// output must equal byte for byte.
func wantJSON(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeGeneric decodes a JSON document into maps, slices and float64s,
// what a script reading `pcap --json` sees.
func decodeGeneric(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	return doc
}

// The streamed `pcap --json` of real captures decodes to what json.Marshal
// of the same Result decodes to, and is byte for byte writeJSON's output,
// with and without the optional packet_list and streams.
func TestPcapJSONStreamMatchesMarshal(t *testing.T) {
	files := []string{
		"peafowl_monero_xmr-stak-login_DUP.pcap",
		"nDPI_mining_zec-ewbf+xmr-stak+eth-proxy.pcapng",
		"zeek-cryptomining_coinhive_browser-wss-tls-authedmine.pcap",
		"peafowl_ethereum_eth-proxy-stratum.pcap",
		"nDPI_http_ipv6_NEG-ipv6-tls-gquic.pcap",
		"zeek-cryptomining_bitcoin-mining-in-progress_midstream.pcap",
	}
	for _, name := range files {
		for _, extra := range [][]string{nil, {"--packets", "40", "--streams", "2048", "--strings", "7", "--min-string", "6"}} {
			path := realCapture(name)
			out, errOut, code := runPcapCLI(t, append(append([]string{"--json"}, extra...), path)...)
			if code != 0 {
				t.Fatalf("%s %v: exit %d: %s", name, extra, code, errOut)
			}
			opts := capture.Options{MinString: capture.DefaultMinString, MaxStrings: capture.DefaultMaxStrings}
			if extra != nil {
				opts = capture.Options{MinString: 6, MaxStrings: 7, MaxPackets: 40, MaxStreamBytes: 2048}
			}
			res, err := capture.AnalyzeFile(context.Background(), path, opts)
			if err != nil {
				t.Fatal(err)
			}
			if extra != nil && (len(res.PacketList) == 0 || len(res.Streams) == 0) && name != "nDPI_http_ipv6_NEG-ipv6-tls-gquic.pcap" {
				t.Fatalf("%s: the options case should exercise packet_list and streams", name)
			}
			marshalled, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := decodeGeneric(t, []byte(out)), decodeGeneric(t, marshalled); !reflect.DeepEqual(got, want) {
				t.Errorf("%s %v: streamed JSON decodes differently from json.Marshal", name, extra)
			}
			if want := wantJSON(t, res); out != string(want) {
				t.Errorf("%s %v: streamed JSON differs from writeJSON's bytes (%d vs %d bytes)", name, extra, len(out), len(want))
			}
		}
	}
}

// hostileJSONResult carries DEL, C1 and bidi controls in a scalar field
// and inside elements of several streamed arrays.
func hostileJSONResult() *capture.Result {
	bad := "a\x7fb\u0085c\u009bd\u202ee\u2066f\u200fg<&>"
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	return &capture.Result{
		File: "cap" + bad + ".pcap", Format: "pcap", LinkType: "Ethernet", Packets: 3,
		Warnings:      []string{bad, "plain"},
		Conversations: []capture.Conversation{{Client: "10.0.0.5:1", Server: "10.0.0.6:2", Proto: "tcp", SNI: bad, Start: t0, End: t0}},
		DNS:           []capture.DNSAnswer{{Name: bad, Answers: []string{"1.2.3.4"}}},
		Stratum:       []stratum.Session{{Dialect: stratum.DialectXMRig, Login: bad, Algorithms: []string{bad}}},
		Strings:       []capture.String{{Frame: 1, From: "client", Text: bad}},
		StringsTotal:  1,
		Streams:       []capture.Stream{{Client: "x", Chunks: []capture.StreamChunk{{From: "client", Data: []byte(bad)}}}},
		First:         t0,
		Last:          t0,
	}
}

// Every element gets writeJSON's escaping: no raw DEL, C1 or bidi control
// reaches the output, and the escapes decode to the same strings.
func TestJSONStreamEscapesTerminalControls(t *testing.T) {
	res := hostileJSONResult()
	var buf bytes.Buffer
	if err := writeJSONStream(&buf, res); err != nil {
		t.Fatal(err)
	}
	for i, r := range buf.String() {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x200f || r == 0x202e || r == 0x2066 {
			t.Fatalf("raw control %U at byte %d", r, i)
		}
	}
	if !bytes.Equal(buf.Bytes(), wantJSON(t, res)) {
		t.Fatalf("differs from writeJSON:\n%s", buf.String())
	}
	var back capture.Result
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Strings[0].Text != res.Strings[0].Text || back.File != res.File || string(back.Streams[0].Chunks[0].Data) != string(res.Streams[0].Chunks[0].Data) {
		t.Fatalf("escaped strings do not decode back: %q %q", back.Strings[0].Text, back.File)
	}
}

// A capture whose Stratum login carries C1 and bidi controls: the CLI's
// --json escapes them (it printed them raw before it was streamed).
func TestPcapJSONEscapesC1AndBidiFromCapture(t *testing.T) {
	b := capturetest.New()
	c := b.TCP("10.0.0.5:49822", "45.9.148.21:3333")
	c.Handshake()
	c.Send(true, []byte(`{"id":1,"method":"login","params":{"login":"W\u009b2J\u202eevil","pass":"x","agent":"XMRig/6.21"}}`+"\n"), 0)
	p := filepath.Join(t.TempDir(), "bidi.pcap")
	if err := os.WriteFile(p, b.Pcap(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runPcapCLI(t, "--json", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.ContainsAny(out, "\u009b\u202e") || !strings.Contains(out, `W\u009b2J\u202eevil`) {
		t.Fatalf("controls not escaped:\n%s", out)
	}
	doc := decodeGeneric(t, []byte(out))
	if login := doc["stratum"].([]any)[0].(map[string]any)["login"]; login != "W\u009b2J\u202eevil" {
		t.Fatalf("login decodes to %q", login)
	}
}

// The zero Result: nil slices print null, omitempty/omitzero keys vanish,
// exactly as encoding/json has it.
func TestJSONStreamZeroResult(t *testing.T) {
	var buf bytes.Buffer
	if err := writeJSONStream(&buf, capture.Result{}); err != nil {
		t.Fatal(err)
	}
	if want := wantJSON(t, capture.Result{}); !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("got\n%s\nwant\n%s", buf.Bytes(), want)
	}
	if s := buf.String(); !strings.Contains(s, `"warnings": null`) || strings.Contains(s, `"first"`) || strings.Contains(s, `"packet_list"`) {
		t.Fatalf("zero values: %s", s)
	}
}

// upperList marshals itself: it must be written whole, not element-wise.
type upperList []string

func (u upperList) MarshalJSON() ([]byte, error) {
	return json.Marshal(strings.ToUpper(strings.Join(u, ",")))
}

// The reflection follows encoding/json on the tag forms a contract struct
// may grow: no tag, "-", unexported, []byte, a Marshaler slice, empty
// omitempty values and a non-empty omitzero struct.
func TestJSONStreamFollowsEncodingJSONRules(t *testing.T) {
	type inner struct {
		A int `json:"a"`
	}
	type doc struct {
		NoTag   []inner
		Skip    []int `json:"-"`
		hidden  []int
		Raw     []byte            `json:"raw"`
		Upper   upperList         `json:"upper"`
		Empty   []int             `json:"empty"`
		Gone    string            `json:"gone,omitempty"`
		GoneMap map[string]int    `json:"gone_map,omitempty"`
		Zero    inner             `json:"zero,omitzero"`
		Kept    inner             `json:"kept,omitzero"`
		Nested  map[string][]bool `json:"nested"`
	}
	v := doc{
		NoTag: []inner{{1}, {2}}, Skip: []int{1}, hidden: []int{1}, Raw: []byte{0, 1, 0xff},
		Upper: upperList{"a", "b"}, Empty: []int{}, Kept: inner{3}, Nested: map[string][]bool{"x": {true}},
	}
	var buf bytes.Buffer
	if err := writeJSONStream(&buf, &v); err != nil {
		t.Fatal(err)
	}
	if want := wantJSON(t, &v); !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("got\n%s\nwant\n%s", buf.Bytes(), want)
	}
	// By value (elements not addressable) the bytes are the same.
	buf.Reset()
	if err := writeJSONStream(&buf, v); err != nil || !bytes.Equal(buf.Bytes(), wantJSON(t, v)) {
		t.Fatalf("by value: %v\n%s", err, buf.Bytes())
	}
}

// What it cannot reproduce is an error, never a different document.
func TestJSONStreamRejectsUnsupported(t *testing.T) {
	type quoted struct {
		N int `json:"n,string"`
	}
	type Base struct{ X int }
	type embedded struct {
		Base
	}
	for _, v := range []any{quoted{1}, embedded{}, []int{1}} {
		if err := writeJSONStream(&bytes.Buffer{}, v); err == nil {
			t.Errorf("%T: no error", v)
		}
	}
}

// failAfter accepts n writes, then fails.
type failAfter struct{ n, calls int }

var errClosed = errors.New("pipe closed")

func (f *failAfter) Write(p []byte) (int, error) {
	f.calls++
	if f.calls > f.n {
		return 0, errClosed
	}
	return len(p), nil
}

// A closed stdout stops the writing with its error instead of encoding
// the rest of a large document into a dead buffer.
func TestJSONStreamStopsOnWriteError(t *testing.T) {
	res := &capture.Result{}
	for i := range 20000 {
		res.Conversations = append(res.Conversations, capture.Conversation{Client: "10.0.0." + strconv.Itoa(i%250) + ":1", Proto: "tcp"})
	}
	w := &failAfter{n: 1}
	if err := writeJSONStream(w, res); !errors.Is(err, errClosed) {
		t.Fatalf("err %v, want %v", err, errClosed)
	}
	if w.calls != 2 {
		t.Fatalf("%d writes after the failure, want none", w.calls-2)
	}
}

// topConversations picks exactly the first k rows of the stable sort the
// report used to do over every conversation, ties in capture order.
func TestTopConversationsIsStableSortPrefix(t *testing.T) {
	res, err := capture.AnalyzeFile(context.Background(), realCapture("nDPI_mining_zec-ewbf+xmr-stak+eth-proxy.pcapng"), capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	convs := res.Conversations
	apps := []string{"tls", "dns", "", "http", "stratum/xmrig", "json-rpc"}
	for i := range 300 { // many ties: 6 apps × 7 sizes
		convs = append(convs, capture.Conversation{Client: strconv.Itoa(i), App: apps[i%6], Bytes: int64(i % 7)})
	}
	order := make([]int, len(convs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return convBefore(&convs[order[a]], &convs[order[b]]) })
	for _, k := range []int{0, 1, 5, textRows, len(convs), len(convs) + 3} {
		got := topConversations(convs, k)
		want := order[:min(k, len(order))]
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("k=%d: got %v\nwant %v", k, got, want)
		}
	}
}
