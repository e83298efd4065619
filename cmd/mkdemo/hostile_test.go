package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/stratum"
)

const hostileDir = "../../testdata/hostile"

// The raw pieces every hostile file must carry.
var hostileRaw = []string{"\x1b]0;pwned\x07", "\x1b[2J", "\x1b[31m", "\xc2\x9b", "\xe2\x80\xae",
	"[click](http://evil.example/x)", "<img src=x onerror=alert(1)>", "`rm -rf ~`", "| x |"}

func TestCommittedHostileMatchesGenerator(t *testing.T) {
	for name, data := range hostileFiles() {
		committed, err := os.ReadFile(filepath.Join(hostileDir, name))
		if err != nil {
			t.Fatalf("%s not committed: run go run ./cmd/mkdemo -hostile -o testdata/hostile (%v)", name, err)
		}
		if !bytes.Equal(data, committed) {
			t.Errorf("testdata/hostile/%s differs from the generator's output", name)
		}
	}
}

func TestHostileFilesCarryRawAndEscapedPayloads(t *testing.T) {
	pcap, err := os.ReadFile(filepath.Join(hostileDir, "hostile-stratum.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(filepath.Join(hostileDir, "hostile-threat.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range hostileRaw {
		if !bytes.Contains(pcap, []byte(raw)) {
			t.Errorf("capture lacks raw %q", raw)
		}
		if !bytes.Contains(log, []byte(raw)) {
			t.Errorf("threat log lacks raw %q", raw)
		}
	}
	for _, esc := range []string{`\u001b]0;pwned\u0007`, `\u001b[2J`, `\u009b`, `\u202e`, `"client.reconnect"`} {
		if !bytes.Contains(pcap, []byte(esc)) {
			t.Errorf("capture lacks JSON-escaped %q", esc)
		}
	}
	if bytes.Count(log, []byte("\n")) != 1 || !bytes.HasSuffix(log, []byte("\n")) {
		t.Error("the threat log must be exactly one line")
	}
}

// The Stratum tracker decodes the escapes into real control characters:
// the fixture really delivers them to whatever renders the session.
func TestHostileStratumDecodesToControlCharacters(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join(hostileDir, "hostile-stratum.pcap"))
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := stratum.NewTracker("10.66.6.6:40002", "198.51.100.66:3333")
	var dnsName string
	for frame := 1; ; frame++ {
		raw, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		pkt := gopacket.NewPacket(raw, layers.LayerTypeEthernet, gopacket.Default)
		checkChecksums(t, "hostile-stratum.pcap", frame, pkt)
		if d, ok := pkt.Layer(layers.LayerTypeDNS).(*layers.DNS); ok && len(d.Answers) > 0 {
			dnsName = string(d.Answers[0].Name)
		}
		tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok || (tcp.SrcPort != 3333 && tcp.DstPort != 3333) {
			continue
		}
		dir := stratum.FromClient
		if tcp.SrcPort == 3333 {
			dir = stratum.FromServer
		}
		tr.Feed(dir, ci.Timestamp, frame, tcp.Payload)
	}
	if !strings.Contains(dnsName, "\x1b]0;pwned\x07") {
		t.Errorf("DNS answer name %q lacks the raw OSC", dnsName)
	}
	s := tr.Session()
	if s == nil {
		t.Fatal("no Stratum session")
	}
	for field, v := range map[string]string{"login": s.Login, "pass": s.Password, "agent": s.Agent} {
		if !strings.Contains(v, hostilePayload) {
			t.Errorf("%s %q does not decode to the payload", field, v)
		}
	}
	if !strings.Contains(s.Login, hostileLines) {
		t.Errorf("login %q lacks the decoded line breaks", s.Login)
	}
	if len(s.JobIDs) == 0 || !strings.Contains(s.JobIDs[0], "\x1b[2J") {
		t.Errorf("job ids %q", s.JobIDs)
	}
	if len(s.Reconnects) == 0 || !strings.Contains(s.Reconnects[0], "\x1b]0;pwned\x07") {
		t.Errorf("reconnects %q", s.Reconnects)
	}
	if len(s.RejectErrors) == 0 || !strings.Contains(s.RejectErrors[0], "\u202e") {
		t.Errorf("reject errors %q", s.RejectErrors)
	}
}

// The importer keeps the hostile fields as data (escaping is the
// renderer's job) and joins the line to the capture's pair.
func TestHostileThreatLogImports(t *testing.T) {
	sink := &memSink{}
	if _, err := ingest.ImportFile(context.Background(), filepath.Join(hostileDir, "hostile-threat.log"), sink, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if len(sink.alerts) != 1 {
		t.Fatalf("%d alerts, want 1", len(sink.alerts))
	}
	a := sink.alerts[0]
	if a.ThreatID != 85886 || !strings.Contains(a.Threat, hostilePayload) || !strings.Contains(a.URL, hostilePayload) ||
		!strings.Contains(a.SrcUser, hostilePayload) {
		t.Errorf("threat %q (%d), url %q, user %q", a.Threat, a.ThreatID, a.URL, a.SrcUser)
	}
	if a.Src != hostileClient || a.Dst != hostilePool || a.SrcPort != 40002 || a.DstPort != 3333 {
		t.Errorf("pair %v:%d → %v:%d does not match the capture", a.Src, a.SrcPort, a.Dst, a.DstPort)
	}
}
