package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// Test data modelled on the real PAN-OS lines of formats.md §1.6: an
// internal host running XMRig against a pool on 3333, firewall serial
// 007051000113358, App-ID json-rpc.
var (
	t0        = time.Date(2024, 3, 14, 9, 26, 53, 0, time.UTC)
	miner     = netip.MustParseAddr("10.20.30.40")
	pool      = netip.MustParseAddr("45.9.148.21")
	otherHost = netip.MustParseAddr("10.20.30.77")
	serial    = "007051000113358"
)

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func meta(name string) ingest.FileMeta {
	return ingest.FileMeta{Name: name, Path: "/evidence/" + name, SHA256: sha(name), Format: ingest.FormatPANOSSyslog, Time: t0.Add(time.Hour)}
}

// minerAlert is a PAN-OS THREAT row for session sid.
func minerAlert(id string, at time.Time, src netip.Addr, sid uint64) alert.Alert {
	return alert.Alert{
		ID: id, Source: "panos-threat", Time: at, Src: src, Dst: pool, SrcPort: 49822, DstPort: 3333, Proto: "tcp",
		App: "json-rpc", Threat: "XMRig Miner Command and Control Traffic Detection", ThreatID: 85886,
		Category: "cryptominer", Subtype: "spyware", Severity: "critical", Action: "alert",
		Direction: "client-to-server", Rule: "outbound", SrcZone: "trust", DstZone: "untrust",
		Device: "PA-VM", Serial: serial, SessionID: sid, Sequence: 7360, Repeat: 1, PCAPID: "0",
		File: "threat.log", Line: 1,
	}
}

// trafficFlow is a PAN-OS TRAFFIC row: i-th keepalive-sized session.
func trafficFlow(src, dst netip.Addr, sid uint64, start time.Time) flow.Flow {
	return flow.Flow{
		Src: src, Dst: dst, SrcPort: uint16(40000 + sid%20000), DstPort: 3333, Proto: "tcp",
		Start: start, Duration: 61 * time.Second, BytesSent: 1480, BytesReceived: 2210,
		PacketsSent: 12, PacketsReceived: 10, App: "json-rpc", Action: "allow", EndReason: "aged-out",
		SessionID: sid, Serial: serial, Source: "panos-traffic", File: "traffic.log", Line: int(sid),
	}
}

// load imports one file's records and commits; it returns how many of each
// were stored.
func load(t testing.TB, s *Store, m ingest.FileMeta, alerts []alert.Alert, flows []flow.Flow) (na, nf int) {
	t.Helper()
	tx, err := s.BeginImport(m)
	if err != nil {
		t.Fatal(err)
	}
	for i := range alerts {
		ok, err := tx.PutAlert(&alerts[i])
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			na++
		}
	}
	for i := range flows {
		ok, err := tx.PutFlow(&flows[i])
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			nf++
		}
	}
	if err := tx.Commit(ingest.Summary{Read: len(alerts) + len(flows), Stored: na + nf, Alerts: na, Flows: nf}); err != nil {
		t.Fatal(err)
	}
	return na, nf
}

// genFlows makes n TRAFFIC-like flows over pairs internal hosts talking to
// a handful of pools, in log (time) order as a firewall writes them.
func genFlows(n, pairs int, emit func(*flow.Flow) error) error {
	pools := []netip.Addr{pool, netip.MustParseAddr("51.15.65.182"), netip.MustParseAddr("94.130.12.27")}
	f := flow.Flow{DstPort: 3333, Proto: "tcp", App: "json-rpc", Action: "allow", EndReason: "aged-out",
		Serial: serial, Source: "panos-traffic", File: "traffic-1m.log"}
	for i := 0; i < n; i++ {
		h := i % pairs
		f.Src = netip.AddrFrom4([4]byte{10, byte(h >> 16), byte(h >> 8), byte(h)})
		f.Dst = pools[h%len(pools)]
		f.SrcPort = uint16(32768 + i%28000)
		f.Start = t0.Add(time.Duration(i) * 50 * time.Millisecond)
		f.Duration = time.Duration(1+i%120) * time.Second
		f.BytesSent, f.BytesReceived = uint64(400+i%900), uint64(600+i%1300)
		f.PacketsSent, f.PacketsReceived = uint64(4+i%9), uint64(5+i%11)
		f.SessionID = uint64(100000 + i)
		f.Line = i + 1
		if err := emit(&f); err != nil {
			return fmt.Errorf("flow %d: %w", i, err)
		}
	}
	return nil
}
