package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/store"
)

// demoFile is a file of the committed demo case (testdata/demo).
func demoFile(name string) string { return filepath.Join("..", "..", "testdata", "demo", name) }

// logFile is a sample of testdata/logs.
func logFile(name string) string { return filepath.Join("..", "..", "testdata", "logs", name) }

func fileSHA(t *testing.T, path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

func TestImportDemoCaseWithABadFile(t *testing.T) {
	db := tempDB(t)
	bad := logFile("bad/panos_bad_ip.log") // line 1 a good miner alert, line 2 a bad source address
	out, errs, code := runArgs(t, db, "import", demoFile("threat.log"), bad, demoFile("traffic.log"), demoFile("xmrig-miner.pcap"))
	if code != exitRuntime {
		t.Fatalf("exit %d, want 1 (one bad file)\n%s\n%s", code, out, errs)
	}
	errLines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(errLines) != 2 || !strings.Contains(errLines[0], bad+":2:") || !strings.Contains(errLines[0], "10.1.216.999") ||
		!strings.Contains(errLines[1], "1 of 4 files could not be imported") {
		t.Errorf("stderr:\n%s", errs)
	}
	// The good files before and after the bad one were imported.
	for _, want := range []string{
		demoFile("threat.log") + ": panos-syslog, read 11, stored 10, duplicates 0, skipped 1, errors 0",
		demoFile("traffic.log") + ": panos-syslog, read 136, stored 136,",
		demoFile("xmrig-miner.pcap") + ": pcap, read 1, stored 1,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}

	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := st.Alerts()
	imps, _ := st.Imports()
	st.Close()
	if len(recs) != 10 || len(imps) != 3 {
		t.Fatalf("%d alerts, %d imports; want 10 and 3 (nothing of the bad file)", len(recs), len(imps))
	}
	for _, r := range recs {
		if r.Alert.Src.String() == "192.168.10.23" {
			t.Errorf("an alert of the bad file was stored: %+v", r.Alert)
		}
		// The demo's web-prod-03 alerts: 3 TRAFFIC rows to the pool and the
		// capture of its mining session.
		if r.Alert.Src.String() == "10.20.30.40" && (r.Flows != 3 || r.Captures != 1) {
			t.Errorf("%s: %d flows, %d captures; want 3, 1", r.Alert.ID, r.Flows, r.Captures)
		}
	}

	// Importing the same file again is reported, not an error.
	out, errs, code = runArgs(t, db, "import", demoFile("threat.log"))
	want := "already imported: " + demoFile("threat.log") + " (sha256 " + fileSHA(t, demoFile("threat.log")) + ")\n"
	if code != exitOK || out != want || errs != "" {
		t.Errorf("re-import: exit %d\n got %q\nwant %q\n%s", code, out, want, errs)
	}
}

func TestImportJSONAndAll(t *testing.T) {
	db := tempDB(t)
	real := logFile("panos_real_syslog.log")
	out, errs, code := runArgs(t, db, "import", "--json", real)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Files []struct {
			File    string `json:"file"`
			SHA256  string `json:"sha256"`
			Format  string `json:"format"`
			Read    int    `json:"read"`
			Stored  int    `json:"stored"`
			Skipped int    `json:"skipped"`
			Status  string `json:"status"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Files) != 1 {
		t.Fatalf("%v: %s", err, out)
	}
	f := doc.Files[0]
	if f.Status != "imported" || f.Format != "panos-syslog" || f.SHA256 != fileSHA(t, real) || f.Read != f.Stored+f.Skipped || f.Skipped == 0 {
		t.Errorf("summary %+v", f)
	}

	// --all keeps the non-miner threat logs the first import skipped.
	db2 := tempDB(t)
	out, errs, code = runArgs(t, db2, "import", "--all", "--json", real)
	var doc2 struct {
		Files []struct {
			Skipped int `json:"skipped"`
			Alerts  int `json:"alerts"`
		} `json:"files"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &doc2) != nil {
		t.Fatalf("--all: %d %s %s", code, out, errs)
	}
	first := doc.Files[0]
	if doc2.Files[0].Alerts <= 1 || doc2.Files[0].Skipped >= first.Skipped {
		t.Errorf("--all kept %d alerts, skipped %d (without: skipped %d)", doc2.Files[0].Alerts, doc2.Files[0].Skipped, first.Skipped)
	}

	out, _, code = runArgs(t, db, "import", "--json", real)
	if code != exitOK || !strings.Contains(out, `"status": "already-imported"`) {
		t.Errorf("duplicate --json: %d %s", code, out)
	}
}

func TestImportMissingFile(t *testing.T) {
	db := tempDB(t)
	missing := filepath.Join(t.TempDir(), "nope.log")
	_, errs, code := runArgs(t, db, "import", missing)
	if code != exitRuntime || !strings.Contains(errs, missing) {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestBarText(t *testing.T) {
	if got := barText(12<<20, 24<<20, 10); got != "[#####-----]  50%  12.0/24.0 MiB" {
		t.Errorf("%q", got)
	}
	if got := barText(30, 20, 4); got != "[####] 100%  0.0/0.0 MiB" {
		t.Errorf("over-read: %q", got)
	}
}

func TestStoreFromEnvironment(t *testing.T) {
	env := filepath.Join(t.TempDir(), "from-env.db")
	t.Setenv("MINERTRIAGE_STORE", env)
	if _, errs, code := runArgs(t, "", "import", demoFile("threat.log")); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	out, _, code := runArgs(t, "", "list", "--json")
	if code != exitOK || strings.Count(out, `"id"`) != 10 {
		t.Errorf("list from $MINERTRIAGE_STORE: %d\n%s", code, out)
	}
	if _, err := os.Stat(env); err != nil {
		t.Errorf("store not at $MINERTRIAGE_STORE: %v", err)
	}
	// --store wins over the environment.
	other := filepath.Join(t.TempDir(), "flag.db")
	out, _, _ = runArgs(t, other, "list", "--json")
	if strings.Contains(out, `"id"`) {
		t.Errorf("--store ignored: %s", out)
	}
}

// The analyst importing a capture cut short hears about it on stderr, with
// the file and record named; the capture is still stored and linked.
func TestImportTruncatedCaptureWarnsOnStderr(t *testing.T) {
	db := tempDB(t)
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "captures", "peafowl_monero_xmr-stak-login_DUP.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, raw[:20000], 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runArgs(t, db, "import", cut)
	if code != exitOK || !strings.Contains(out, "1 captures") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "warning: "+cut+": capture cut short: record 125 is incomplete") {
		t.Errorf("stderr lacks the truncation warning:\n%s", errs)
	}
}
