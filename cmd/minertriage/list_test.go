package main

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/store"
)

// seedStore writes two alerts (one with a hostile threat name and an IPv6
// pair), flows and a decision through the store API, independent of the
// parsers.
func seedStore(t *testing.T, db string) {
	t.Helper()
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2024, 3, 14, 9, 26, 53, 123456789, time.UTC)
	miner := alert.Alert{ID: "pan-007051000113358-501-7360", Source: "panos-threat", Time: at,
		Src: netip.MustParseAddr("10.20.30.40"), Dst: netip.MustParseAddr("45.9.148.21"), SrcPort: 49822, DstPort: 3333,
		App: "json-rpc", Threat: "XMRig Miner Command and Control Traffic Detection", ThreatID: 85886,
		Category: "cryptominer", Severity: "critical", Action: "alert", Serial: "007051000113358", SessionID: 501}
	hostile := alert.Alert{ID: "eve-1", Source: "suricata-eve", Time: at.Add(time.Hour),
		Src: netip.MustParseAddr("fd00::5"), Dst: netip.MustParseAddr("2001:db8::77"), SrcPort: 40112, DstPort: 443,
		App: "tls", Threat: "ET COINMINER \x1b]0;pwned\x07 Stratum\u202e", ThreatID: 2024792, Category: "coinminer",
		Severity: "high", Action: "allowed"}
	tx, err := st.BeginImport(ingest.FileMeta{Name: "seed", SHA256: "seed", Time: at})
	if err != nil {
		t.Fatal(err)
	}
	tx.PutAlert(&miner)
	tx.PutAlert(&hostile)
	for i := range 3 {
		f := flow.Flow{Src: miner.Src, Dst: miner.Dst, SrcPort: uint16(49822 + i), DstPort: 3333, Proto: "tcp",
			Start: at.Add(time.Duration(i) * time.Minute), Source: "panos-traffic"}
		tx.PutFlow(&f)
	}
	if err := tx.Commit(ingest.Summary{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AppendDecision(casework.Decision{AlertID: miner.ID, Disposition: casework.TruePositive, Analyst: "ana"}); err != nil {
		t.Fatal(err)
	}
}

func TestListJSONContract(t *testing.T) {
	db := tempDB(t)
	seedStore(t, db)
	out, errs, code := runArgs(t, db, "list", "--json")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	alerts := doc["alerts"]
	if len(doc) != 1 || len(alerts) != 2 {
		t.Fatalf("want {alerts: [2]}, got %s", out)
	}
	want := []string{"action", "app", "captures", "category", "disposition", "dst", "dst_port", "flows", "id",
		"severity", "src", "src_port", "threat", "threat_id", "time"}
	for _, a := range alerts {
		var keys []string
		for k := range a {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("keys %v, want %v", keys, want)
		}
	}
	// Newest first: the Suricata alert, then the decided PAN-OS one.
	if alerts[0]["id"] != "eve-1" || alerts[0]["src"] != "fd00::5" || alerts[0]["disposition"] != "" {
		t.Errorf("first %v", alerts[0])
	}
	m := alerts[1]
	if m["time"] != "2024-03-14T09:26:53.123456789Z" || m["src"] != "10.20.30.40" || m["dst_port"] != 3333.0 ||
		m["threat_id"] != 85886.0 || m["flows"] != 3.0 || m["captures"] != 0.0 || m["disposition"] != "true-positive" {
		t.Errorf("miner alert %v", m)
	}
	// The JSON keeps the hostile name exactly, but escaped: no raw ESC,
	// BEL or bidi override reaches the terminal.
	if strings.ContainsAny(out, "\x1b\x07\u202e") || !strings.Contains(out, `\u001b]0;pwned\u0007`) || !strings.Contains(out, `\u202e`) {
		t.Errorf("control characters not escaped in %q", out)
	}
	if alerts[0]["threat"] != "ET COINMINER \x1b]0;pwned\x07 Stratum\u202e" {
		t.Errorf("threat changed: %q", alerts[0]["threat"])
	}
}

func TestListTable(t *testing.T) {
	db := tempDB(t)
	seedStore(t, db)
	out, _, code := runArgs(t, db, "list")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID ") {
		t.Fatalf("table:\n%s", out)
	}
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("raw control characters in the table: %q", out)
	}
	for _, want := range []string{"[fd00::5]:40112 → [2001:db8::77]:443", `\e]0;pwned\x07 Stratum\u{202e}`} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q lacks %q", lines[1], want)
		}
	}
	for _, want := range []string{"10.20.30.40:49822 → 45.9.148.21:3333", "XMRig Miner Command and Control Traffic Detection(85886)", "true-positive", "2024-03-14 09:26:53"} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("row %q lacks %q", lines[2], want)
		}
	}
	if f := strings.Fields(lines[2]); f[len(f)-3] != "3" || f[len(f)-2] != "0" {
		t.Errorf("flows/captures columns in %q", lines[2])
	}

	out, _, _ = runArgs(t, db, "list", "--undecided")
	if strings.Contains(out, "pan-007051000113358") || !strings.Contains(out, "eve-1") {
		t.Errorf("--undecided:\n%s", out)
	}
}

func TestListEmptyAndFreshStore(t *testing.T) {
	db := tempDB(t)
	out, errs, code := runArgs(t, db, "list", "--json")
	if code != exitOK || strings.TrimSpace(out) != `{
  "alerts": []
}` {
		t.Errorf("fresh store: %d %q %q", code, out, errs)
	}
	out, _, _ = runArgs(t, db, "list")
	if !strings.Contains(out, "no alerts") {
		t.Errorf("empty table: %q", out)
	}
}

func TestListWhileStoreIsHeld(t *testing.T) {
	db := tempDB(t)
	st, err := store.Open(db, store.Options{}) // as the workbench holds it
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, errs, code := runArgs(t, db, "list")
	if code != exitRuntime || !strings.Contains(errs, db) || !strings.Contains(errs, "in use by another minertriage") || strings.Count(errs, "\n") != 1 {
		t.Errorf("exit %d, %q", code, errs)
	}
}
