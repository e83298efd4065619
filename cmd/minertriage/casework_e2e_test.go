package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/store"
	"github.com/minertriage/minertriage/testdata/demo"
)

// The end-to-end tests of the casework commands: the demo case imported
// into a real store, then analyze, decide and export as an analyst runs
// them. The expected conclusions are those of testdata/demo/README.md.

func init() {
	// -update rewrites the golden notes; defined here unless another test
	// file of the package already did.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// The demo's representative alerts.
const (
	demoClear   = "pan-013201000123-1236224-7601441302587213671"
	demoBlocked = "pan-013201000123-1435300-7601441302587213901"
	demoFalse   = "pan-013201000123-1693026-7601441302587215151"
	demoAuth    = "pan-013201000123-1399201-7601441302587213887"
)

// demoStore writes the demo case into a temporary directory, imports it
// into a fresh store, and returns the store path and the allow-list path.
func demoStore(t *testing.T) (db, allow string) {
	t.Helper()
	dir := t.TempDir()
	files, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(dir, "demo.db")
	q := importInto(t, db, files...)
	if len(q) != 10 {
		t.Fatalf("the demo case has %d miner alerts, want 10", len(q))
	}
	return db, filepath.Join(dir, demo.AllowList)
}

type analyzeOut struct {
	Alert struct {
		ID string `json:"id"`
	} `json:"alert"`
	Steps []struct {
		Step    string   `json:"step"`
		Status  string   `json:"status"`
		Summary string   `json:"summary"`
		Details []string `json:"details"`
	} `json:"steps"`
	Suggestion struct {
		Disposition string   `json:"disposition"`
		Confidence  string   `json:"confidence"`
		Cause       string   `json:"cause"`
		For         []string `json:"for"`
		Against     []string `json:"against"`
	} `json:"suggestion"`
}

func TestDemoFindingsAndSuggestions(t *testing.T) {
	db, allow := demoStore(t)
	cases := []struct {
		name, id  string
		status    string // addresses application netflow capture stratum
		sugg      string
		cause     string
		summaries []string // substrings, any step
		reasons   []string // substrings of for/against
	}{
		{"clear miner", demoClear, "supports supports supports supports supports", "true-positive", "public-app-exploitation",
			[]string{
				"10.20.30.40 (internal) opened the connection from port 37609 to 45.9.148.21:3333 (pool.supportxmr.com, a known pool)",
				"held a session open to 45.9.148.21:3333 (pool.supportxmr.com, a known pool) for 4 h 31 m",
				"login observed (agent XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/11.3.0), job observed",
			},
			[]string{"the pool sent a job and the miner submitted", "known mining pool: pool.supportxmr.com (DNS answer"}},
		{"blocked miner", demoBlocked, "supports supports supports supports supports", "true-positive", "unknown",
			[]string{"tried 141.95.72.19:10128 (gulf.moneroocean.stream, a known pool) 100 times", "job absent, no share submitted"},
			[]string{"100 near-empty retries", "a Stratum login was seen"}},
		{"false positive", demoFalse, "against against against against against", "false-positive", "",
			[]string{"payload in the clear but no Stratum", "opened 20 connections to 10.20.50.9:8545 (internal)"},
			[]string{"not Stratum", "both hosts are internal"}},
		{"authorised miner", demoAuth, "supports supports supports supports supports", "benign", "",
			[]string{"held a session open to 51.255.34.118:10300 (xmr-eu1.nanopool.org, a known pool) for 8 h 0 m"},
			[]string{"authorised miner: matches 10.60.1.10 (authorized-miners.txt:3: research-lab-01", "CHG-2026-0412"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := runCase(t, db, "analyze", c.id, "--json", "--authorized", allow)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var an analyzeOut
			if err := json.Unmarshal([]byte(out), &an); err != nil {
				t.Fatal(err)
			}
			var got, all []string
			for _, s := range an.Steps {
				got = append(got, s.Status)
				all = append(all, s.Summary)
			}
			if strings.Join(got, " ") != c.status {
				t.Errorf("statuses %q, want %q\n%s", strings.Join(got, " "), c.status, strings.Join(all, "\n"))
			}
			if an.Suggestion.Cause != c.cause {
				t.Errorf("suggested cause %q, want %q", an.Suggestion.Cause, c.cause)
			}
			if an.Suggestion.Disposition != c.sugg {
				t.Errorf("suggestion %s, want %s: for %q against %q", an.Suggestion.Disposition, c.sugg, an.Suggestion.For, an.Suggestion.Against)
			}
			summaries := strings.Join(all, "\n")
			for _, want := range c.summaries {
				if !strings.Contains(summaries, want) {
					t.Errorf("no summary holds %q:\n%s", want, summaries)
				}
			}
			reasons := strings.Join(append(an.Suggestion.For, an.Suggestion.Against...), "\n")
			for _, want := range c.reasons {
				if !strings.Contains(reasons, want) {
					t.Errorf("no reason holds %q:\n%s", want, reasons)
				}
			}
		})
	}
	// Without the allow-list the authorised miner is a plain true positive.
	out, _, _ := runCase(t, db, "analyze", demoAuth, "--json")
	var an analyzeOut
	if json.Unmarshal([]byte(out), &an) != nil || an.Suggestion.Disposition != "true-positive" {
		t.Errorf("without --authorized: %+v", an.Suggestion)
	}
}

func TestDemoDecisionsSurviveRestartAndAppend(t *testing.T) {
	db, _ := demoStore(t)
	steps := [][]string{
		{"decide", demoBlocked, "--disposition", "needs-info", "--note", "waiting for EDR triage", "--analyst", "alice"},
		{"decide", demoBlocked, "--disposition", "true-positive", "--cause", "unknown", "--analyst", "bob", "--remediation", "Re-image 10.20.31.77"},
	}
	for _, args := range steps {
		if out, e, c := runCase(t, db, args...); c != 0 {
			t.Fatalf("%v: exit %d %s %s", args, c, out, e)
		}
	}
	// Each command opened and closed the store; reopen it once more.
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := st.Decisions(demoBlocked)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Seq != 1 || hist[0].Disposition != casework.NeedsInfo || hist[0].Analyst != "alice" || hist[0].Note != "waiting for EDR triage" ||
		hist[1].Seq != 2 || hist[1].Disposition != casework.TruePositive || hist[1].Analyst != "bob" || hist[1].Time.Before(hist[0].Time) {
		t.Fatalf("history after reopen = %+v", hist)
	}
	last := hist[1].Remediation
	if len(last) == 0 || last[0].Action != casework.ActIsolate || last[len(last)-1].Action != "Re-image 10.20.31.77" {
		t.Errorf("remediation = %+v", last)
	}
	// The queue shows the latest disposition; stats count it.
	out, _, _ := runCase(t, db, "analyze", demoBlocked)
	if !strings.Contains(out, "#1 ") || !strings.Contains(out, "#2 ") || !strings.Contains(out, "needs-info by alice: waiting for EDR triage") {
		t.Errorf("analyze does not show the history:\n%s", out)
	}
}

// TestDemoNotesGolden renders the notes of the four stories with a fixed
// clock and decisions as an analyst would record them, and compares them
// with investigate/casework/testdata/demo-*.md (go test -update rewrites).
func TestDemoNotesGolden(t *testing.T) {
	db, allow := demoStore(t)
	al, err := casework.LoadAllowListFile(allow)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := time.Date(2026, 6, 9, 16, 30, 0, 0, time.UTC)
	svc := casework.NewService(st, casework.Options{Now: func() time.Time { return clock }, Analyst: "soc-analyst", Authorized: al})
	cases := []struct {
		name, id string
		d        casework.Decision
	}{
		{"clear-miner", demoClear, casework.Decision{Disposition: casework.TruePositive, Cause: casework.CausePublicApp, Note: "Log4j exploit from 80.94.95.227 at 06:38; XMRig downloaded from the same address"}},
		{"blocked-miner", demoBlocked, casework.Decision{Disposition: casework.TruePositive, Cause: casework.CauseUnknown, Note: "blocked is not clean: host still retrying"}},
		{"false-positive", demoFalse, casework.Decision{Disposition: casework.FalsePositive, Note: "web3.py against our own Geth node"}},
		{"authorised-miner", demoAuth, casework.Decision{Disposition: casework.Benign, Note: "CHG-2026-0412, valid until 2026-09-30"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.d.AlertID = c.id
			c.d.Time = clock.Add(time.Duration(i+3) * time.Minute)
			if err := svc.MarkFirstLook(c.id); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Decide(c.d); err != nil {
				t.Fatal(err)
			}
			md, err := svc.Notes(context.Background(), c.id)
			if err != nil {
				t.Fatal(err)
			}
			goldenNotes(t, "demo-"+c.name+".md", md)
			for _, bad := range []string{"45.9.148.21", "pool.supportxmr.com", "141.95.72.19", "gulf.moneroocean.stream", "51.255.34.118", "80.94.95.227", "\x1b"} {
				if strings.Contains(string(md), bad) {
					t.Errorf("notes hold %q undefanged", bad)
				}
			}
			if !strings.Contains(string(md), "T1496") || !strings.Contains(string(md), "## Evidence files") {
				t.Error("notes lack MITRE or the evidence files")
			}
		})
	}
}

// importTime matches the import time in the evidence table: the only
// part of the notes the test's clock does not fix (the store stamps
// imports with the wall clock).
var importTime = regexp.MustCompile("(`[0-9a-f]{64}` \\| )[0-9T:.Z-]+( \\|)")

func goldenNotes(t *testing.T, name string, got []byte) {
	t.Helper()
	got = importTime.ReplaceAll(got, []byte("${1}(import time)${2}"))
	path := filepath.Join("..", "..", "investigate", "casework", "testdata", name)
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/minertriage -run DemoNotes -update creates it)", err)
	}
	if string(want) != string(got) {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
		for i := range min(len(wl), len(gl)) {
			if wl[i] != gl[i] {
				t.Fatalf("%s differs at line %d (go test -update to accept):\nwant %s\ngot  %s", path, i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("%s differs in length: %d lines, want %d", path, len(gl), len(wl))
	}
}

// TestHostileCaseRendersInert imports the hostile fixtures (a THREAT line
// and a Stratum capture carrying escape sequences, C1 controls, bidi
// overrides, markdown links, HTML and backticks) and checks every output
// of analyze and export: no control byte reaches the terminal or the
// notes, no link or HTML forms, and the hostile hosts appear defanged only.
func TestHostileCaseRendersInert(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "hostile")
	db := filepath.Join(t.TempDir(), "hostile.db")
	q := importInto(t, db, filepath.Join(dir, "hostile-threat.log"), filepath.Join(dir, "hostile-stratum.pcap"))
	if len(q) != 1 || q[0].Captures != 1 {
		t.Fatalf("queue %+v", q)
	}
	id := q[0].Alert.ID
	raw := []string{"\x1b", "\x07", "\u009b", "\u202e"}
	outputs := map[string]string{}
	for name, args := range map[string][]string{
		"analyze":        {"analyze", id},
		"analyze --json": {"analyze", id, "--json"},
		"export":         {"export", id},
		"export --json":  {"export", id, "--json"},
	} {
		out, errs, code := runCase(t, db, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", name, code, errs)
		}
		outputs[name] = out
		for _, r := range raw {
			if strings.Contains(out, r) || strings.Contains(errs, r) {
				t.Errorf("%s writes the raw control %q", name, r)
			}
		}
	}
	var an analyzeOut
	if err := json.Unmarshal([]byte(outputs["analyze --json"]), &an); err != nil || len(an.Steps) != 5 {
		t.Fatalf("analyze --json: %v", err)
	}
	if st := an.Steps[4]; st.Status != "supports" {
		t.Errorf("the hostile session is still a mining session: stratum %s %q", st.Status, st.Summary)
	}
	md := outputs["export"]
	for _, bad := range []string{"](http", "<img", "<script", "http://", "https://", "evil.example", "198.51.100.66"} {
		if strings.Contains(md, bad) {
			i := strings.Index(md, bad)
			t.Errorf("notes contain %q: …%s…", bad, md[max(0, i-80):min(len(md), i+80)])
		}
	}
	for _, want := range []string{"evil[.]example", "198.51.100[.]66"} {
		if !strings.Contains(md, want) {
			t.Errorf("notes lack the defanged %q", want)
		}
	}
}

func TestDemoListStats(t *testing.T) {
	db, _ := demoStore(t)
	for _, args := range [][]string{
		{"decide", demoClear, "--disposition", "true-positive", "--cause", "public-app-exploitation"},
		{"decide", demoBlocked, "--disposition", "true-positive"},
		{"decide", demoAuth, "--disposition", "needs-info"},
		{"decide", demoAuth, "--disposition", "benign"}, // counts by the latest
		{"decide", demoFalse, "--disposition", "false-positive"},
	} {
		if _, e, c := runCase(t, db, args...); c != 0 {
			t.Fatalf("%v: %s", args, e)
		}
	}
	out, e, c := runCase(t, db, "list", "--stats", "--json")
	if c != 0 {
		t.Fatalf("list --stats --json: exit %d %s", c, e)
	}
	var got struct {
		Signatures []casework.SignatureStats `json:"signatures"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Signatures) != 2 {
		t.Fatalf("signatures %+v", got.Signatures)
	}
	x, j := got.Signatures[0], got.Signatures[1]
	if x.ThreatID != 85886 || x.Alerts != 9 || x.Decided != 3 || x.TruePositives != 2 || x.TPRate < 0.66 || x.TPRate > 0.67 {
		t.Errorf("XMRig signature %+v", x)
	}
	if j.ThreatID != 86331 || j.Alerts != 1 || j.Decided != 1 || j.TruePositives != 0 || j.TPRate != 0 {
		t.Errorf("JSON-RPC signature %+v", j)
	}
	text, _, c := runCase(t, db, "list", "--stats")
	if c != 0 || !strings.Contains(text, "XMRig Miner Command and Control Traffic Detection(85886)") || !strings.Contains(text, "67%") || !strings.Contains(text, "all signatures") {
		t.Errorf("list --stats:\n%s", text)
	}
}
