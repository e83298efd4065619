package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/store"
)

// importInto loads files into a fresh store at path through the Service,
// as the import command does, and returns the alert queue.
func importInto(t *testing.T, path string, files ...string) []casework.AlertRecord {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := casework.NewService(st, casework.Options{})
	for _, f := range files {
		if _, err := svc.Import(context.Background(), f, ingest.Options{}); err != nil {
			t.Fatalf("import %s: %v", f, err)
		}
	}
	q, err := svc.Queue()
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// runCase runs one command line against the store.
func runCase(t *testing.T, storePath string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append(args, "--store", storePath), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestAnalyzeDecideExportOnRealPANOSLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "case.db")
	q := importInto(t, db, sample("panos_real_syslog.log"))
	var id string
	for _, r := range q {
		if r.Alert.ThreatID == 85886 {
			id = r.Alert.ID
		}
	}
	if id == "" {
		t.Fatalf("no XMRig alert in %+v", q)
	}

	out, errs, code := runCase(t, db, "analyze", id, "--json")
	if code != 0 {
		t.Fatalf("analyze --json exit %d: %s", code, errs)
	}
	var an struct {
		Alert struct {
			ID string `json:"id"`
		} `json:"alert"`
		Steps []struct {
			Step, Status, Summary string
			Details               []string
		} `json:"steps"`
		Suggestion struct {
			Disposition, Confidence string
			For, Against            []string
		} `json:"suggestion"`
	}
	if err := json.Unmarshal([]byte(out), &an); err != nil {
		t.Fatalf("analyze --json: %v\n%s", err, out)
	}
	wantSteps := []string{"addresses", "application", "netflow", "capture", "stratum"}
	if an.Alert.ID != id || len(an.Steps) != 5 {
		t.Fatalf("analysis %+v", an)
	}
	for i, s := range an.Steps {
		if s.Step != wantSteps[i] || s.Summary == "" || s.Details == nil {
			t.Errorf("step %d = %+v", i, s)
		}
	}
	// 10.1.216.174 → 57.129.69.132:14444, dropped; one TRAFFIC line of
	// another pair: no traffic logs and no capture for this one.
	if an.Steps[0].Status != "supports" || an.Steps[2].Status != "missing" || an.Steps[3].Status != "missing" {
		t.Errorf("statuses %s %s %s", an.Steps[0].Status, an.Steps[2].Status, an.Steps[3].Status)
	}
	if !strings.Contains(an.Steps[2].Summary, "Monitor > Logs > Traffic, filter (addr.src in 10.1.216.174) and (addr.dst in 57.129.69.132)") {
		t.Errorf("netflow summary %q", an.Steps[2].Summary)
	}

	text, _, code := runCase(t, db, "analyze", id)
	if code != 0 || !strings.Contains(text, "1. addresses") || !strings.Contains(text, "Suggested: ") {
		t.Errorf("analyze text exit %d:\n%s", code, text)
	}

	// Decisions: bad values are usage errors naming the allowed ones.
	if _, e, c := runCase(t, db, "decide", id, "--disposition", "maybe"); c != 2 || !strings.Contains(e, "true-positive, false-positive, benign, needs-info") {
		t.Errorf("bad disposition: exit %d %q", c, e)
	}
	if _, e, c := runCase(t, db, "decide", id, "--disposition", "true-positive", "--cause", "aliens"); c != 2 || !strings.Contains(e, "public-app-exploitation, access-key-compromise") {
		t.Errorf("bad cause: exit %d %q", c, e)
	}
	if _, e, c := runCase(t, db, "decide", id); c != 2 || !strings.Contains(e, "--disposition") {
		t.Errorf("missing disposition: exit %d %q", c, e)
	}
	if _, e, c := runCase(t, db, "decide", "no-such-alert", "--disposition", "benign"); c != 1 || strings.Count(e, "\n") != 1 || !strings.Contains(e, `alert "no-such-alert" not found`) {
		t.Errorf("unknown alert: exit %d %q", c, e)
	}
	out, e, c := runCase(t, db, "decide", id, "--disposition", "true-positive", "--cause", "access-key-compromise", "--note", "keys on the host", "--analyst", "carol", "--remediation", "Re-image the host")
	if c != 0 || !strings.Contains(out, "Recorded decision #1") || !strings.Contains(out, "AKIA") || !strings.Contains(out, "Re-image the host") {
		t.Errorf("decide: exit %d %q %q", c, out, e)
	}

	// Export to a file, then as JSON.
	notes := filepath.Join(t.TempDir(), "notes.md")
	if _, e, c := runCase(t, db, "export", id, "-o", notes); c != 0 {
		t.Fatalf("export: exit %d %s", c, e)
	}
	md, err := os.ReadFile(notes)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"57.129.69[.]132", "T1496", "| 1 |", "`carol`", "access-key-compromise", "keys on the host"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("notes lack %q", want)
		}
	}
	if bytes.Contains(md, []byte("57.129.69.132")) {
		t.Error("the pool address is not defanged in the notes")
	}
	js, _, c := runCase(t, db, "export", id, "--json")
	var doc struct {
		Markdown   string `json:"markdown"`
		Indicators []struct{ Type, Value string }
		Decisions  []casework.Decision
	}
	if c != 0 || json.Unmarshal([]byte(js), &doc) != nil || doc.Markdown != string(md) || len(doc.Decisions) != 1 {
		t.Errorf("export --json: exit %d, %d decisions", c, len(doc.Decisions))
	}

	for _, cmd := range [][]string{{"analyze", "nope"}, {"export", "nope"}} {
		if _, e, c := runCase(t, db, cmd...); c != 1 || strings.Count(e, "\n") != 1 || !strings.Contains(e, "not found") {
			t.Errorf("%v: exit %d %q", cmd, c, e)
		}
	}
}
