package ingest

import (
	"bytes"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/flow"
)

func flowByUID(fs []*flow.Flow, uid string) *flow.Flow {
	for _, f := range fs {
		if f.UID == uid {
			return f
		}
	}
	return nil
}

func flowBySrcPort(fs []*flow.Flow, p uint16) *flow.Flow {
	for _, f := range fs {
		if f.SrcPort == p {
			return f
		}
	}
	return nil
}

func TestEVERealCoinMinerAlert(t *testing.T) {
	s, sum := importOK(t, "eve_real_coinminer.json", Options{})
	if sum.Format != FormatSuricataEVE || sum.Alerts != 1 || sum.Flows != 1 || sum.Read != 2 {
		t.Fatalf("summary = %+v", sum)
	}
	a := s.alertByThreatID(2024792)
	if a == nil {
		t.Fatal("the ET POLICY Cryptocurrency Miner Checkin alert was not stored")
	}
	if a.Threat != "ET POLICY Cryptocurrency Miner Checkin" || a.Category != "Potential Corporate Privacy Violation" ||
		a.Severity != "high" || a.Action != "allowed" || a.App != "failed" || a.Proto != "tcp" ||
		a.Src != mustAddr("192.168.1.109") || a.SrcPort != 49652 || a.Dst != mustAddr("194.233.80.217") ||
		a.DstPort != 80 || a.Rule != "1:2024792:5" || a.Device != "Ubuntu2204" || a.Source != "suricata-eve" ||
		!a.Time.Equal(utc("2024-12-20T12:55:23.604368Z")) {
		t.Errorf("alert = %+v", a)
	}
	if a.ID != "eve-884631878748672-2024792-1734699323604368000" {
		t.Errorf("ID = %q", a.ID)
	}
	if !bytes.HasPrefix(a.Payload, []byte(`{"id":1,"jsonrpc":"2.0","method":"login"`)) ||
		!bytes.Contains(a.Payload, []byte(`"agent":"pwnRig/(by pwned)`)) {
		t.Errorf("payload not decoded from base64: %q", a.Payload)
	}
	f := s.flows[0]
	if f.BytesSent != 2330 || f.BytesReceived != 12132 || f.PacketsSent != 17 || f.PacketsReceived != 30 ||
		f.UID != "884631878748672" || !f.Start.Equal(utc("2024-12-20T12:53:55.117248Z")) ||
		f.Duration != utc("2024-12-20T12:55:23.604368Z").Sub(utc("2024-12-20T12:53:55.117248Z")) {
		t.Errorf("alert's flow = %+v", f)
	}
}

func TestEVESample(t *testing.T) {
	s, sum := importOK(t, "eve_sample.json", Options{})
	// dns, stats and the docs' non-miner alert are skipped.
	if sum.Alerts != 1 || sum.Flows != 2 || sum.Skipped != 3 || sum.Read != 6 {
		t.Fatalf("summary = %+v", sum)
	}
	a := s.alertByThreatID(2022886)
	if a == nil || a.Category != "Crypto Currency Mining Activity Detected" || a.Severity != "medium" ||
		a.Direction != "client-to-server" || a.Device != "sensor-dmz-1" ||
		!bytes.Contains(a.Payload, []byte(`"agent":"XMRig/6.21.0`)) {
		t.Errorf("coin-miner alert = %+v", a)
	}
	var closed *flow.Flow
	for _, f := range s.flows {
		if f.EndReason == "timeout" {
			closed = f
		}
	}
	if closed == nil || closed.BytesSent != 48211 || closed.BytesReceived != 1211873 || closed.PacketsReceived != 1020 ||
		closed.Src != mustAddr("10.20.30.40") || closed.DstPort != 3333 ||
		closed.Duration != utc("2026-05-21T10:15:08.512877Z").Sub(utc("2026-05-21T08:15:02.981004Z")) {
		t.Errorf("flow event = %+v", closed)
	}
	s, sum = importOK(t, "eve_sample.json", Options{All: true})
	if sum.Alerts != 2 || sum.Skipped != 2 {
		t.Errorf("with --all: %+v", sum)
	}
	if d := s.alertByThreatID(2018358); d == nil || d.Severity != "medium" || !d.Time.Equal(utc("2017-04-07T21:24:37.251547Z")) {
		t.Errorf("docs alert (+0100) = %+v", d)
	}
}

func TestZeekConnTSV(t *testing.T) {
	s, sum := importOK(t, "zeek_conn.log", Options{})
	if sum.Format != FormatZeekConnTSV || sum.Flows != 5 || sum.Read != 5 {
		t.Fatalf("summary = %+v", sum)
	}
	m := flowByUID(s.flows, "CmN3r1X4m2bT9a7Qe")
	if m == nil || m.Src != mustAddr("10.20.30.40") || m.DstPort != 3333 || m.BytesSent != 48211 ||
		m.BytesReceived != 1211873 || m.PacketsSent != 802 || m.PacketsReceived != 1020 || m.EndReason != "SF" ||
		m.App != "" || m.Duration != 7205531873*time.Microsecond || m.Source != "zeek-conn" ||
		!m.Start.Equal(utc("2026-05-21T08:15:02.981004Z")) {
		t.Errorf("miner session = %+v", m)
	}
	// orig_bytes unset: orig_ip_bytes is the fallback.
	if b := flowByUID(s.flows, "Cblk5Hs7Jd8Kf9Lm0"); b == nil || b.BytesSent != 60 || b.Duration != 0 || b.EndReason != "S0" {
		t.Errorf("unanswered SYN = %+v", b)
	}
	if d := flowByUID(s.flows, "Cdns9kL2pQ7vW1xYz"); d == nil || d.App != "dns" || d.Proto != "udp" || d.Duration != 368*time.Microsecond {
		t.Errorf("dns = %+v", d)
	}
	if e := flowByUID(s.flows, "Cemp2Qw3Er4Ty5Ui6"); e == nil || e.App != "" || e.BytesSent != 1100 || e.BytesReceived != 5120 {
		t.Errorf("(empty) fields = %+v", e)
	}
}

func TestZeekConnJSON(t *testing.T) {
	for _, name := range []string{"zeek_conn.json", "zeek_conn_underscore.json"} {
		s, sum := importOK(t, name, Options{})
		if sum.Format != FormatZeekConnJSON {
			t.Fatalf("%s: format %s", name, sum.Format)
		}
		m := flowByUID(s.flows, "CmN3r1X4m2bT9a7Qe")
		if m == nil || m.Src != mustAddr("10.20.30.40") || m.Dst != mustAddr("45.9.148.21") || m.SrcPort != 49822 ||
			m.BytesSent != 48211 || m.BytesReceived != 1211873 || m.PacketsSent != 802 ||
			!m.Start.Equal(utc("2026-05-21T08:15:02.981004Z")) || m.Duration != 7205531873*time.Microsecond {
			t.Errorf("%s: miner session = %+v", name, m)
		}
	}
	s, _ := importOK(t, "zeek_conn.json", Options{})
	if b := flowByUID(s.flows, "Cblk5Hs7Jd8Kf9Lm0"); b == nil || b.BytesSent != 60 || b.EndReason != "S0" {
		t.Errorf("absent orig_bytes falls back to orig_ip_bytes: %+v", b)
	}
	if v6 := flowByUID(s.flows, "Cdns9kL2pQ7vW1xYz"); v6 == nil || v6.Src != mustAddr("fd00::5") || v6.App != "dns" {
		t.Errorf("IPv6 row = %+v", v6)
	}
}

func TestNfdump(t *testing.T) {
	cases := []struct {
		file   string
		format Format
		flows  int
	}{
		{"nfdump16.csv", FormatNfdump16, 3},
		{"nfdump17.csv", FormatNfdump17, 3},
		{"nfdump_fast.csv", FormatNfdumpFast, 3},
	}
	for _, c := range cases {
		s, sum := importOK(t, c.file, Options{})
		if sum.Format != c.format || sum.Flows != c.flows {
			t.Errorf("%s: summary %+v", c.file, sum)
			continue
		}
		m := flowBySrcPort(s.flows, 49822)
		if m == nil || m.Dst != mustAddr("45.9.148.21") || m.DstPort != 3333 || m.Proto != "tcp" ||
			m.BytesSent != 48211 || m.PacketsSent != 802 || m.Source != "nfdump" {
			t.Errorf("%s: miner flow = %+v", c.file, m)
		}
	}
	s, _ := importOK(t, "nfdump16.csv", Options{})
	m := flowBySrcPort(s.flows, 49822)
	if m.BytesReceived != 1211873 || m.PacketsReceived != 1020 || m.Duration != 7205532*time.Millisecond ||
		!m.Start.Equal(utc("2026-05-21T08:15:02Z")) {
		t.Errorf("1.6 bidirectional flow = %+v", m)
	}
	s, _ = importOK(t, "nfdump17.csv", Options{})
	if v6 := flowBySrcPort(s.flows, 53001); v6 == nil || v6.Proto != "udp" || v6.Src != mustAddr("2001:db8::40") ||
		!v6.Start.Equal(utc("2026-05-21T08:15:02.702Z")) {
		t.Errorf("1.7 IPv6 row = %+v", v6)
	}
	s, _ = importOK(t, "nfdump_fast.csv", Options{})
	if f := flowBySrcPort(s.flows, 49822); !f.Start.Equal(utc("2026-05-21T08:15:02.981Z")) || f.Duration != 7205532*time.Millisecond {
		t.Errorf("csv-fast epoch-ms times = %+v", f)
	}
}
