package ingest

import (
	"context"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/flow"
)

// logs is the shared sample directory (testdata/logs at the module root).
var logs = filepath.Join("..", "..", "testdata", "logs")

func sample(name string) string { return filepath.Join(logs, name) }

func importOK(t *testing.T, name string, opts Options) (*fakeSink, Summary) {
	t.Helper()
	s := newFakeSink()
	sum, err := ImportFile(context.Background(), sample(name), s, opts)
	if err != nil {
		t.Fatalf("ImportFile(%s): %v", name, err)
	}
	if s.commits != 1 || s.rollbacks != 0 {
		t.Fatalf("%s: commits=%d rollbacks=%d, want 1/0", name, s.commits, s.rollbacks)
	}
	return s, sum
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func flowBySession(fs []*flow.Flow, id uint64) *flow.Flow {
	for _, f := range fs {
		if f.SessionID == id {
			return f
		}
	}
	return nil
}

func TestPANOSRealSyslog(t *testing.T) {
	s, sum := importOK(t, "panos_real_syslog.log", Options{})
	if sum.Format != FormatPANOSSyslog || sum.Read != 10 || sum.Alerts != 1 || sum.Flows != 3 || sum.Skipped != 6 {
		t.Fatalf("summary = %+v", sum)
	}
	a := s.alertByThreatID(85886)
	if a == nil {
		t.Fatal("the XMRig threat was not stored")
	}
	want := map[string][2]any{
		"ID":        {a.ID, "pan-013101011043-916848-7588383908313708726"},
		"Threat":    {a.Threat, "XMRig Miner Command and Control Traffic Detection"},
		"Category":  {a.Category, "cryptominer"},
		"App":       {a.App, "json-rpc"},
		"Src":       {a.Src, mustAddr("10.1.216.174")},
		"Dst":       {a.Dst, mustAddr("57.129.69.132")},
		"SrcPort":   {a.SrcPort, uint16(3547)},
		"DstPort":   {a.DstPort, uint16(14444)},
		"NATSrc":    {a.NATSrc, mustAddr("202.28.45.142")},
		"NATSrcP":   {a.NATSrcPort, uint16(22007)},
		"Proto":     {a.Proto, "tcp"},
		"Action":    {a.Action, "drop"},
		"Severity":  {a.Severity, "critical"},
		"Subtype":   {a.Subtype, "spyware"},
		"Direction": {a.Direction, "client-to-server"},
		"Serial":    {a.Serial, "013101011043"},
		"Device":    {a.Device, "MFU-FW"},
		"Session":   {a.SessionID, uint64(916848)},
		"Sequence":  {a.Sequence, uint64(7588383908313708726)},
		"Rule":      {a.Rule, "Allow_All-Users_Internet_All-Apps"},
		"SrcZone":   {a.SrcZone, "WLAN-Inside"},
		"DstLoc":    {a.DstLoc, "Germany"},
		"Repeat":    {a.Repeat, 1},
		"Source":    {a.Source, "panos-threat"},
		"Line":      {a.Line, 1},
		// 13:36:17 local, +07:00 from the High Resolution Timestamp.
		"Time": {a.Time, utc("2026-05-20T06:36:17Z")},
	}
	for k, v := range want {
		if v[0] != v[1] {
			t.Errorf("%s = %v, want %v", k, v[0], v[1])
		}
	}

	ping := flowBySession(s.flows, 35845233)
	if ping == nil {
		t.Fatal("the 10.x TRAFFIC line was not stored")
	}
	if ping.Proto != "icmp" || ping.App != "ping" || ping.BytesSent != 86 || ping.BytesReceived != 86 ||
		ping.PacketsSent != 1 || ping.PacketsReceived != 1 || ping.EndReason != "aged-out" ||
		ping.Action != "allow" || ping.Serial != "013101011043" || ping.Source != "panos-traffic" ||
		!ping.Start.Equal(utc("2026-05-20T06:36:02Z")) || ping.Duration != 0 {
		t.Errorf("10.x traffic flow = %+v", ping)
	}
	rfc := flowBySession(s.flows, 205742)
	if rfc == nil || rfc.Src != mustAddr("10.16.13.7") || rfc.DstPort != 443 || rfc.BytesSent != 272 ||
		rfc.BytesReceived != 140 || rfc.PacketsSent != 4 || rfc.PacketsReceived != 2 ||
		rfc.EndReason != "tcp-fin" || !rfc.Start.Equal(utc("2018-09-19T16:50:15Z")) {
		t.Errorf("RFC 5424 traffic flow (−05:00 from the header) = %+v", rfc)
	}
	// PAN-OS 7 line: no zone anywhere (UTC), start time field is "1" so
	// the start is generated time minus 40 s elapsed.
	old := flowBySession(s.flows, 1070831)
	if old == nil || old.App != "msrpc" || old.BytesSent != 644 || old.BytesReceived != 550 ||
		old.PacketsSent != 7 || old.PacketsReceived != 5 || old.Duration != 40*time.Second ||
		!old.Start.Equal(utc("2017-07-13T20:39:04Z")) || old.EndReason != "" {
		t.Errorf("PAN-OS 7 traffic flow = %+v", old)
	}
}

func TestPANOSRealSyslogAll(t *testing.T) {
	s, sum := importOK(t, "panos_real_syslog.log", Options{All: true})
	if sum.Alerts != 7 || sum.Flows != 3 || sum.Skipped != 0 {
		t.Fatalf("summary with --all = %+v", sum)
	}
	dns := s.alertByThreatID(320511141)
	if dns == nil || dns.Threat != "Suspicious DNS Query (generic:comparetvs.net)" || dns.Action != "sinkhole" ||
		dns.Category != "dns" || dns.Device != "GA-PA-FW-1" || !dns.Time.Equal(utc("2020-01-10T01:56:38Z")) {
		t.Errorf("sinkhole DNS threat (last parenthesised number) = %+v", dns)
	}
	url := s.alertByThreatID(9999)
	if url == nil || url.Threat != "" || url.URL != "consent.cmp.oath.com/" || url.Action != "block-url" ||
		url.NATSrc != mustAddr("192.168.1.63") {
		t.Errorf("URL threat = %+v", url)
	}
	rfc := s.alertByThreatID(14978)
	if rfc == nil || !rfc.Time.Equal(utc("2018-09-19T16:50:33Z")) || rfc.URL != "test.com/" {
		t.Errorf("RFC 5424 threat (−05:00 from the header) = %+v", rfc)
	}
	rat := s.alertByThreatID(13172)
	if rat == nil || rat.Direction != "server-to-client" || rat.SrcPort != 80 || rat.NATSrc.IsValid() ||
		rat.Category != "" || !rat.Time.Equal(utc("2015-02-12T16:04:56Z")) {
		t.Errorf("PAN-OS 6 (45 fields, BSD header) threat = %+v", rat)
	}
	zero := s.alertByThreatID(13235)
	if zero == nil || zero.SrcUser != `pancademo\andy.miller` || zero.Category != "botnet" || zero.Proto != "udp" {
		t.Errorf("PAN-OS 9 bare threat = %+v", zero)
	}
}

func TestPANOS8xShortLines(t *testing.T) {
	s, sum := importOK(t, "panos_8x_short.log", Options{})
	if sum.Alerts != 2 || sum.Flows != 1 || sum.Skipped != 1 || sum.Read != 4 {
		t.Fatalf("summary = %+v", sum)
	}
	x := s.alertByThreatID(85886)
	if x == nil || x.Dst != mustAddr("45.9.148.21") || x.DstPort != 3333 || x.Action != "reset-both" ||
		x.Device != "PA-850" || x.Category != "spyware" || x.ID != "pan-001801012345-48213-6601234" {
		t.Errorf("8.x XMRig threat = %+v", x)
	}
	c := s.alertByThreatID(86331)
	if c == nil || c.Threat != "CoinMiner Command and Control Traffic" || c.Severity != "high" ||
		c.Device != "" || c.Line != 2 {
		t.Errorf("45-field CoinMiner threat = %+v", c)
	}
	f := flowBySession(s.flows, 48213)
	if f == nil || f.BytesSent != 611 || f.BytesReceived != 1262 || f.PacketsSent != 5 || f.PacketsReceived != 4 ||
		f.EndReason != "threat" || f.Duration != time.Second || !f.Start.Equal(utc("2019-03-14T09:12:43Z")) {
		t.Errorf("8.x traffic = %+v", f)
	}
}

func TestPANOSExports(t *testing.T) {
	s, sum := importOK(t, "panos_threat_export.csv", Options{})
	if sum.Format != FormatPANOSThreatCSV || sum.Alerts != 2 || sum.Skipped != 1 {
		t.Fatalf("threat export summary = %+v", sum)
	}
	x := s.alertByThreatID(85886)
	if x == nil || x.Rule != "Allow, Outbound Web (legacy)" || x.Category != "cryptominer" ||
		x.Src != mustAddr("10.20.30.40") || x.SrcPort != 49822 || x.Repeat != 3 || x.Device != "PA-3220-EDGE" ||
		x.Source != "panos-threat-csv" || x.Sequence != 7590012345678901234 || x.SrcUser != `corp\build-svc` ||
		!x.Time.Equal(utc("2026-05-21T08:15:02Z")) || x.Line != 2 {
		t.Errorf("export XMRig row = %+v", x)
	}
	d := s.alertByThreatID(109010001)
	if d == nil || d.Threat != "Suspicious DNS Query (Coinminer:pool.supportxmr.com)" || d.Action != "sinkhole" {
		t.Errorf("export DNS row naming a coin miner = %+v", d)
	}

	s, sum = importOK(t, "panos_traffic_export.csv", Options{})
	if sum.Format != FormatPANOSTrafficCSV || sum.Flows != 3 {
		t.Fatalf("traffic export summary = %+v", sum)
	}
	f := flowBySession(s.flows, 220100)
	if f == nil || f.BytesSent != 48211 || f.BytesReceived != 1211873 || f.PacketsSent != 802 ||
		f.PacketsReceived != 1020 || f.Duration != 7212*time.Second || f.EndReason != "tcp-rst-from-server" ||
		!f.Start.Equal(utc("2026-05-21T06:00:01Z")) || f.App != "json-rpc" || f.DstPort != 3333 {
		t.Errorf("export traffic row = %+v", f)
	}
	if d := flowBySession(s.flows, 220600); d == nil || d.Action != "deny" || d.BytesReceived != 0 {
		t.Errorf("denied retry row = %+v", d)
	}
}

func TestSplitThreat(t *testing.T) {
	cases := []struct {
		in   string
		name string
		id   int64
	}{
		{"XMRig Miner Command and Control Traffic Detection(85886)", "XMRig Miner Command and Control Traffic Detection", 85886},
		{"Suspicious DNS Query (generic:x.net)(320511141)", "Suspicious DNS Query (generic:x.net)", 320511141},
		{"(9999)", "", 9999},
		{"85886", "", 85886},
		{"Name only", "Name only", 0},
		{"Name (not a number)", "Name (not a number)", 0},
		{"Name()", "Name()", 0},
		{"Huge(99999999999999999999999)", "Huge(99999999999999999999999)", 0},
		{" Padded (12) ", "Padded", 12},
	}
	for _, c := range cases {
		name, id := splitThreat(c.in)
		if name != c.name || id != c.id {
			t.Errorf("splitThreat(%q) = %q, %d; want %q, %d", c.in, name, id, c.name, c.id)
		}
	}
}

func TestSyslogPrefixes(t *testing.T) {
	body := "1,2026/05/20 13:36:17,013101011043,THREAT,spyware,2561,2026/05/20 13:36:17,10.1.216.174,57.129.69.132"
	cases := []struct {
		prefix string
		zoned  bool
		off    int // seconds east of UTC
	}{
		{"", false, 0},
		{"Nov 30 16:44:36 PA-220 ", false, 0},
		{"<12>Jan 10 01:56:39 NY-PA-FW-1.example ", false, 0},
		{"2026-05-20T13:36:17+07:00 MFU-FW.mfu.ac.th ", true, 7 * 3600},
		{"<14>1 2018-09-19T11:50:33-05:00 Prod-Ingress-1 - - - - ", true, -5 * 3600},
		{"<142>1 2020-10-13T01:12:15.892Z host panwlogs - ", true, 0},
	}
	for _, c := range cases {
		line := []byte(c.prefix + body)
		if typ, ok := panLineType(line); !ok || typ != "THREAT" {
			t.Errorf("%q: not recognised as a PAN-OS THREAT line", c.prefix)
		}
		prefix, rest := splitSyslog(line)
		if string(rest) != body {
			t.Errorf("%q: body = %q", c.prefix, rest)
		}
		z := prefixZone(prefix)
		switch {
		case !c.zoned && z != nil:
			t.Errorf("%q: zone %v, want none", c.prefix, z)
		case c.zoned:
			if z == nil {
				t.Errorf("%q: no zone, want offset %d", c.prefix, c.off)
				continue
			}
			if _, off := time.Date(2026, 1, 1, 0, 0, 0, 0, z).Zone(); off != c.off {
				t.Errorf("%q: offset %d, want %d", c.prefix, off, c.off)
			}
		}
	}
}
