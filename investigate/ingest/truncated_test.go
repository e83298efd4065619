package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A capture cut short (a download stopped, a full disk) is still evidence:
// what it holds is stored, and the summary says the file ends early, naming
// the record, instead of passing it off as a whole capture.
func TestImportTruncatedCaptureWarns(t *testing.T) {
	raw, err := os.ReadFile(captureSample("peafowl_monero_xmr-stak-login_DUP.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(path, raw[:20000], 0o644); err != nil {
		t.Fatal(err)
	}
	s := newFakeSink()
	sum, err := ImportFile(context.Background(), path, s, Options{})
	if err != nil {
		t.Fatalf("a truncated capture must import: %v", err)
	}
	if sum.Captures != 1 || len(s.captures) != 1 || s.commits != 1 {
		t.Fatalf("summary %+v, %d captures, %d commits", sum, len(s.captures), s.commits)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], path) ||
		!strings.Contains(sum.Warnings[0], "record 125") || !strings.Contains(sum.Warnings[0], "what it holds is stored") {
		t.Errorf("warnings %q: want one naming the file and the incomplete record", sum.Warnings)
	}

	whole := newFakeSink()
	sum, err = ImportFile(context.Background(), captureSample("peafowl_monero_xmr-stak-login_DUP.pcap"), whole, Options{})
	if err != nil || len(sum.Warnings) != 0 {
		t.Errorf("a whole capture: err %v, warnings %q", err, sum.Warnings)
	}
}
