package casework

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/stratum"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + itoaTest(i+1) + ":\n want " + a + "\n got  " + b
		}
	}
	return ""
}

func itoaTest(n int) string { b, _ := json.Marshal(n); return string(b) }

// notesFor analyses a scenario, records decisions, and renders the notes.
func notesFor(t testing.TB, sc scenario, decisions ...Decision) *NotesDoc {
	t.Helper()
	s, repo, a := sc.analyse(t)
	repo.imports = []ImportRecord{
		{Summary: ingest.Summary{File: "threat.log", SHA256: strings.Repeat("1", 64), Format: "panos-syslog", Alerts: 1}, Time: t0.Add(time.Minute)},
		{Summary: ingest.Summary{File: "traffic.log", SHA256: strings.Repeat("2", 64), Format: "panos-syslog", Flows: 300}, Time: t0.Add(time.Minute)},
		{Summary: ingest.Summary{File: "unrelated.csv", SHA256: strings.Repeat("3", 64), Format: "zeek-conn-tsv"}, Time: t0.Add(time.Minute)},
	}
	for _, c := range a.Captures {
		repo.imports = append(repo.imports, ImportRecord{Summary: ingest.Summary{File: c.Ref.Name, SHA256: c.Ref.SHA256, Format: "pcap", Captures: 1}, Time: t0.Add(2 * time.Minute)})
	}
	for _, d := range decisions {
		d.AlertID = sc.alert.ID
		if _, err := s.Decide(d); err != nil {
			t.Fatal(err)
		}
	}
	a.Decisions, _ = repo.Decisions(sc.alert.ID)
	a.Timing = timing(a.Record, a.Decisions)
	recs, _ := a.recommendations()
	imports, _ := repo.Imports()
	doc := &NotesDoc{Analysis: a, Indicators: a.indicators(), Timeline: a.timeline(), Evidence: a.evidenceFiles(imports),
		Recommendations: recs, Mitre: []string{mitre}, Generated: fixedNow()}
	doc.Markdown = string(RenderNotes(doc))
	return doc
}

func TestNotesGolden(t *testing.T) {
	cases := map[string]struct {
		sc        scenario
		decisions []Decision
	}{
		"clear-miner": {clearMiner(), []Decision{
			{Disposition: NeedsInfo, Note: "asked the owner", Time: t0.Add(3 * time.Minute)},
			{Disposition: TruePositive, Cause: CausePublicApp, Analyst: "bob", Note: "Confluence CVE-2023-22527 on the host", Time: t0.Add(6 * time.Minute)},
		}},
		"blocked-miner":    {blockedMiner(), nil},
		"false-positive":   {falsePositive(), []Decision{{Disposition: FalsePositive, Note: "internal geth node"}}},
		"authorised-miner": {authorisedMiner(), []Decision{{Disposition: Benign}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			doc := notesFor(t, c.sc, c.decisions...)
			golden(t, "notes-"+name+".md", []byte(doc.Markdown))
			assertNotesInert(t, doc.Markdown)
		})
	}
}

func TestNotesContent(t *testing.T) {
	doc := notesFor(t, clearMiner(), Decision{Disposition: TruePositive, Cause: CauseAccessKey})
	md := doc.Markdown
	for _, want := range []string{
		"45.9.148[.]21", "pool.supportxmr[.]com", "T1496 Resource Hijacking",
		"| 1 | 2026-05-20T06:42:17Z | `alice` | true-positive | access-key-compromise |",
		"- [ ] " + escapeMD(ActRotate),
		"| `threat.log` | panos-syslog | alert |", "| `miner.pcap` | pcap | capture |",
		"█", "| final score |", "| Time (UTC) | Frame | From | Method | Message |",
		"| wallet | `48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD` |",
		"| agent | `XMRig/6.18.1 (Linux x86_64) libuv/1.44.1 gcc/5.4.0` |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("notes lack %q", want)
		}
	}
	if strings.Contains(md, "unrelated.csv") {
		t.Error("notes list an evidence file that holds nothing of this case")
	}
	if strings.Contains(md, "45.9.148.21") || strings.Contains(md, "pool.supportxmr.com") {
		t.Error("an indicator is not defanged")
	}
}

// hostileScenario puts attacker-controlled text in every Stratum field,
// the alert's URL and threat fields, and the analyst's note.
func hostileScenario() scenario {
	sc := clearMiner()
	sc.alert.ID = "hostile`](http://evil.example/id)"
	sc.alert.URL = "http://evil.example/<img src=x onerror=alert(1)>"
	sc.alert.Threat = "XMRig \x1b]0;pwned\x07 [click](https://evil.example)"
	sc.alert.Rule = "<script>alert(1)</script>"
	s := &sc.capture.Stratum[0]
	s.Agent = "XMRig/6.0 \x1b[2J\x1b[31m <img src=x> \u009b31m"
	s.Login = "[wallet](http://evil.example/w)|x"
	s.Password = "![p](https://evil.example/p.png)"
	s.PoolHost = "evil.example"
	s.Algorithms = []string{"rx/0`", "``` <b>x</b>"}
	s.Reconnects = []string{"stratum+tcp://evil.example:3333"}
	s.RejectErrors = []string{"Stale\x07 <a href=http://evil.example>job</a>"}
	s.Messages = append(s.Messages, stratum.Message{Time: t0, Frame: 10, From: "server", Method: "job<img src=x>",
		Raw: "{\"method\":\"client.show_message\",\"params\":[\"visit http://evil.example \x1b[5m ```` ![](http://evil.example/t.gif)\"]}"})
	sc.capture.DNS = append(sc.capture.DNS, capturedDNS("evil.example", "45.9.148.21"))
	return sc
}

func TestHostileNotesRenderInert(t *testing.T) {
	doc := notesFor(t, hostileScenario(), Decision{Disposition: TruePositive, Note: "see ```` http://evil.example <img src=x>\x1b[31m"})
	assertNotesInert(t, doc.Markdown)
	if !strings.Contains(doc.Markdown, "evil[.]example") {
		t.Error("the hostile host is missing from the notes altogether")
	}
}

func assertNotesInert(t *testing.T, md string) {
	t.Helper()
	assertInert(t, "notes", md)
	for _, bad := range []string{"\x00", "\x1b", "\x07", "\u009b", "\r"} {
		if strings.Contains(md, bad) {
			t.Errorf("notes contain control %q", bad)
		}
	}
	html := renderHTML(t, md)
	if strings.Contains(html, "<h1") && strings.Count(html, "<h1") != 1 {
		t.Errorf("evidence text made a heading")
	}
}

func capturedDNS(name string, answers ...string) capture.DNSAnswer {
	return capture.DNSAnswer{Name: name, Answers: answers}
}
