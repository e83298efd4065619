package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/testdata/demo"
)

const demoDir = "../../testdata/demo"

// The committed demo case must be exactly what the generator makes, so the
// case never drifts from the code (and its README) that explains it.
func TestCommittedDemoMatchesGenerator(t *testing.T) {
	got := demoFiles()
	dir := t.TempDir()
	if err := writeFiles(dir, got); err != nil {
		t.Fatal(err)
	}
	for name := range got {
		fresh, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(filepath.Join(demoDir, name))
		if err != nil {
			t.Fatalf("%s is generated but not committed: run go run ./cmd/mkdemo -o testdata/demo (%v)", name, err)
		}
		if !bytes.Equal(fresh, committed) {
			t.Errorf("testdata/demo/%s differs from the generator's output: run go run ./cmd/mkdemo -o testdata/demo", name)
		}
		if len(fresh) >= 200<<10 {
			t.Errorf("%s is %d bytes; keep demo files under 200 KB", name, len(fresh))
		}
	}
	entries, err := os.ReadDir(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := got[e.Name()]; !ok && e.Name() != "demo.go" {
			t.Errorf("testdata/demo/%s is not made by the generator (stale?)", e.Name())
		}
	}
	// A second run gives the same bytes: nothing depends on time or map order.
	again := demoFiles()
	for name, data := range got {
		if !bytes.Equal(data, again[name]) {
			t.Errorf("%s differs between two runs of the generator", name)
		}
	}
}

// The embedding package serves the committed bytes, evidence in import order.
func TestEmbeddedFiles(t *testing.T) {
	files := demo.Files()
	var names []string
	for _, f := range files {
		committed, err := os.ReadFile(filepath.Join(demoDir, f.Name))
		if err != nil || !bytes.Equal(committed, f.Data) {
			t.Errorf("embedded %s differs from testdata/demo/%s (%v)", f.Name, f.Name, err)
		}
		if f.Import {
			names = append(names, f.Name)
		}
	}
	want := "threat.log traffic.log xmrig-miner.pcap blocked-miner.pcapng jsonrpc-false-positive.pcap authorized-miner.pcap.gz"
	if strings.Join(names, " ") != want {
		t.Errorf("import order = %v, want %s", names, want)
	}
	dir := t.TempDir()
	paths, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 6 || paths[0] != filepath.Join(dir, "threat.log") {
		t.Errorf("WriteTo paths = %v", paths)
	}
	if _, err := os.Stat(filepath.Join(dir, demo.AllowList)); err != nil {
		t.Errorf("allow-list not written: %v", err)
	}
}

// panCSV splits a syslog line into its header and CSV fields the way a
// PAN-OS parser must: the CSV starts at the token holding the first comma.
func panCSV(t *testing.T, line string) (string, []string) {
	t.Helper()
	i := strings.IndexByte(line, ',')
	j := strings.LastIndexByte(line[:i], ' ')
	r := csv.NewReader(strings.NewReader(line[j+1:]))
	r.LazyQuotes = false
	f, err := r.Read()
	if err != nil {
		t.Fatalf("bad CSV in %q: %v", line[:60], err)
	}
	return line[:j], f
}

func logLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(demoDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// Both logs have PAN-OS 11.x field counts, all three syslog headers, and
// every THREAT row joins a TRAFFIC row on session id with the same tuple.
func TestDemoLogsShape(t *testing.T) {
	type tuple struct{ src, sport, dst, dport string }
	sessions := map[string]tuple{}
	headers := map[string]bool{}
	for _, l := range logLines(t, "traffic.log") {
		h, f := panCSV(t, l)
		if len(f) != trafficFieldCount || f[3] != "TRAFFIC" {
			t.Fatalf("traffic line has %d fields, type %q: %s", len(f), f[3], l[:80])
		}
		headers[headerKind(h)] = true
		sessions[f[22]] = tuple{f[7], f[24], f[8], f[25]}
	}
	alerts := 0
	for _, l := range logLines(t, "threat.log") {
		h, f := panCSV(t, l)
		if len(f) != threatFieldCount || f[3] != "THREAT" {
			t.Fatalf("threat line has %d fields, type %q", len(f), f[3])
		}
		headers[headerKind(h)] = true
		if f[69] == "cryptominer" {
			alerts++
		}
		got, ok := sessions[f[22]]
		if !ok {
			t.Errorf("THREAT session %s has no TRAFFIC row", f[22])
		} else if got != (tuple{f[7], f[24], f[8], f[25]}) {
			t.Errorf("session %s: THREAT %v, TRAFFIC %v", f[22], []string{f[7], f[24], f[8], f[25]}, got)
		}
	}
	if alerts != 10 {
		t.Errorf("%d cryptominer THREAT rows, want 10 (README table)", alerts)
	}
	for _, k := range []string{"bsd", "iso", "rfc5424"} {
		if !headers[k] {
			t.Errorf("no %s syslog header in the logs", k)
		}
	}
}

func headerKind(h string) string {
	switch {
	case strings.HasPrefix(h, "<14>1 "):
		return "rfc5424"
	case len(h) > 10 && h[4] == '-' && h[10] == 'T':
		return "iso"
	}
	return "bsd"
}

// memSink keeps what the importer stores.
type memSink struct {
	alerts []*alert.Alert
	flows  []*flow.Flow
	caps   []ingest.CaptureFile
}

func (m *memSink) BeginImport(ingest.FileMeta) (ingest.Tx, error) { return m, nil }
func (m *memSink) PutAlert(a *alert.Alert) (bool, error) {
	m.alerts = append(m.alerts, a)
	return true, nil
}
func (m *memSink) PutFlow(f *flow.Flow) (bool, error) { m.flows = append(m.flows, f); return true, nil }
func (m *memSink) PutCapture(c ingest.CaptureFile) (bool, error) {
	m.caps = append(m.caps, c)
	return true, nil
}
func (m *memSink) Commit(ingest.Summary) error { return nil }
func (m *memSink) Rollback() error             { return nil }

// The project's own importer reads the case as the README describes it:
// ten miner alerts, the Log4j row skipped, every alert's session in the
// flows, and the README naming every alert id.
func TestDemoImports(t *testing.T) {
	sink := &memSink{}
	var skipped int
	for _, name := range []string{"threat.log", "traffic.log"} {
		sum, err := ingest.ImportFile(context.Background(), filepath.Join(demoDir, name), sink, ingest.Options{})
		if err != nil {
			t.Fatalf("import %s: %v", name, err)
		}
		if sum.Format != ingest.FormatPANOSSyslog {
			t.Errorf("%s detected as %s", name, sum.Format)
		}
		skipped += sum.Skipped
	}
	if len(sink.alerts) != 10 || skipped != 1 {
		t.Errorf("%d alerts and %d skipped, want 10 and 1 (Log4j)", len(sink.alerts), skipped)
	}
	readme, _ := os.ReadFile(filepath.Join(demoDir, "README.md"))
	bySession := map[uint64]*flow.Flow{}
	for _, f := range sink.flows {
		bySession[f.SessionID] = f
	}
	for _, a := range sink.alerts {
		if !bytes.Contains(readme, []byte("`"+a.ID+"`")) {
			t.Errorf("README does not list alert %s", a.ID)
		}
		f := bySession[a.SessionID]
		if f == nil || f.Src != a.Src || f.Dst != a.Dst || f.SrcPort != a.SrcPort || f.DstPort != a.DstPort {
			t.Errorf("alert %s: no flow with its session and tuple (%v)", a.ID, f)
		}
		if a.Time.Location().String() != "UTC" || a.Time.Year() != 2026 {
			t.Errorf("alert %s time %v", a.ID, a.Time)
		}
	}
	allow, err := casework.LoadAllowListFile(filepath.Join(demoDir, demo.AllowList))
	if err != nil || allow.Len() != 2 {
		t.Fatalf("allow-list: %v (%d entries)", err, allow.Len())
	}
	for _, a := range sink.alerts {
		if hit := allow.Match(a.Src, nil); (len(hit) > 0) != (a.Src == labHost) {
			t.Errorf("allow-list match for %s = %v", a.Src, hit)
		}
	}
}
