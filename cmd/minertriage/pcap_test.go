package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/capture/capturetest"
)

func runPcapCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"pcap"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func realCapture(name string) string { return filepath.Join("..", "..", "testdata", "captures", name) }

func TestPcapJSONContract(t *testing.T) {
	out, errOut, code := runPcapCLI(t, "--json", realCapture("peafowl_monero_xmr-stak-login_DUP.pcap"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"file", "format", "link_type", "packets", "truncated", "warnings", "conversations", "dns", "stratum", "stratum_tls", "strings"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	for _, k := range []string{"packet_list", "streams"} {
		if _, ok := doc[k]; ok {
			t.Errorf("%q present without --packets/--streams", k)
		}
	}
	if doc["format"] != "pcap" || doc["packets"] != float64(145) || doc["truncated"] != false {
		t.Fatalf("header %v %v %v", doc["format"], doc["packets"], doc["truncated"])
	}
	st := doc["stratum"].([]any)
	if len(st) != 1 || st[0].(map[string]any)["dialect"] != "xmrig" || st[0].(map[string]any)["agent"] != "xmr-stak-cpu/1.3.0-1.5.0" {
		t.Fatalf("stratum %v", st)
	}
	out, _, _ = runPcapCLI(t, "--json", "--packets", "5", "--streams", "64", realCapture("peafowl_monero_xmr-stak-login_DUP.pcap"))
	doc = nil
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if pl, _ := doc["packet_list"].([]any); len(pl) != 5 {
		t.Fatalf("packet_list has %d rows, want 5", len(pl))
	}
	if s, _ := doc["streams"].([]any); len(s) != 1 {
		t.Fatalf("streams %v", doc["streams"])
	}
}

// hostileCapture is a session whose login and agent carry terminal escape
// sequences (JSON \u001b decodes to a raw ESC).
func hostileCapture(t *testing.T, truncate bool) string {
	b := capturetest.New()
	c := b.TCP("10.0.0.5:49822", "45.9.148.21:3333")
	c.Handshake()
	c.Send(true, []byte(`{"id":1,"method":"login","params":{"login":"WALLET\u001b]0;owned\u0007","pass":"x","agent":"XMRig\u001b[2J"}}`+"\n"), 0)
	c.Send(false, []byte(`{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"1","job":{"blob":"00","job_id":"j1","target":"b88d0600"},"status":"OK"}}`+"\n"), 0)
	c.Send(true, []byte("\x1b[31mraw escape in a payload string\n"), 0)
	data := b.Pcap()
	if truncate {
		data = data[:len(data)-7]
	}
	p := filepath.Join(t.TempDir(), "hostile.pcap")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPcapReportIsSanitisedAndTruncatedExitsZero(t *testing.T) {
	out, errOut, code := runPcapCLI(t, hostileCapture(t, true))
	if code != 0 {
		t.Fatalf("exit %d for a truncated capture: %s", code, errOut)
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("raw control bytes reached the report:\n%q", out)
	}
	for _, want := range []string{"TRUNCATED", "Stratum sessions (1)", `WALLET\e]0;owned\x07`, "xmrig", "1 login  observed", "3 submit absent"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	js, _, code := runPcapCLI(t, "--json", hostileCapture(t, true))
	if code != 0 || !strings.Contains(js, `"truncated": true`) {
		t.Fatalf("exit %d, json lacks truncated: %s", code, js)
	}
}

func TestPcapNotACapture(t *testing.T) {
	p := filepath.Join(t.TempDir(), "threats.csv")
	if err := os.WriteFile(p, []byte("Receive Time,Type\n2026/11/20,THREAT\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runPcapCLI(t, p)
	if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, p+": not a packet capture") {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, errOut)
	}
	if _, _, code := runPcapCLI(t); code != 2 {
		t.Fatalf("no file: exit %d, want 2", code)
	}
}

// Stratum over TLS (issue #3) is in "stratum_tls", never in "stratum" with
// an empty dialect: scripts validate the dialect enum of DESIGN.md.
func TestPcapJSONStratumOverTLS(t *testing.T) {
	dialects := map[any]bool{"xmrig": true, "stratum-v1": true, "ethstratum": true, "eth-proxy": true}
	for _, c := range []struct {
		file, sni, server string
		plain             int
	}{
		{"zeek-cryptomining_coinhive_browser-wss-tls-authedmine.pcap", "ws027.authedmine.com", "37.187.167.83:443", 0},
		{"zeek-cryptomining_coinhive-stratum_xmr-login-job.pcap", "coinhive.com", "104.20.208.59:443", 3},
	} {
		out, errOut, code := runPcapCLI(t, "--json", realCapture(c.file))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.file, code, errOut)
		}
		var doc struct {
			Stratum    []map[string]any `json:"stratum"`
			StratumTLS []map[string]any `json:"stratum_tls"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Stratum == nil || doc.StratumTLS == nil {
			t.Errorf("%s: stratum %v stratum_tls %v, want arrays", c.file, doc.Stratum, doc.StratumTLS)
		}
		if len(doc.Stratum) != c.plain {
			t.Errorf("%s: %d stratum entries, want %d", c.file, len(doc.Stratum), c.plain)
		}
		for _, s := range doc.Stratum {
			if !dialects[s["dialect"]] {
				t.Errorf("%s: stratum entry %v → %v has dialect %q", c.file, s["client"], s["server"], s["dialect"])
			}
		}
		found := false
		for _, s := range doc.StratumTLS {
			if s["pool_host"] == c.sni && s["server"] == c.server && s["tls"] == true {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: stratum_tls lacks %s (SNI %s): %v", c.file, c.server, c.sni, doc.StratumTLS)
		}
	}
	out, _, _ := runPcapCLI(t, realCapture("zeek-cryptomining_coinhive_browser-wss-tls-authedmine.pcap"))
	for _, want := range []string{"Stratum sessions (0)", "Stratum over TLS (4)", "steps not observable; netflow is the evidence",
		"10.0.2.15:46634 → 37.187.167.83:443  pool ws027.authedmine.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
