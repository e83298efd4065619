package casework

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withCapture links a real capture from testdata/captures to the alert.
func withCapture(t testing.TB, repo *memRepo, alertID, name string) CaptureRef {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "captures", name))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	ref := CaptureRef{SHA256: hex.EncodeToString(sum[:]), Name: name, Format: "pcap", Size: int64(len(b)), Stored: true}
	repo.bytes[ref.SHA256] = b
	repo.captures[alertID] = append(repo.captures[alertID], ref)
	return ref
}

func TestRealMinerCapture(t *testing.T) {
	repo := newMemRepo()
	al := minerAlert("xmr-stak", "192.168.2.92", 55190, "178.32.196.217", 9050)
	repo.addAlert(al)
	ref := withCapture(t, repo, al.ID, "peafowl_monero_xmr-stak-login_DUP.pcap")
	s := NewService(repo, Options{Now: fixedNow})
	a, err := s.Analyze(context.Background(), al.ID)
	if err != nil {
		t.Fatal(err)
	}
	st := stepStatus(a)
	if st[StepCapture] != StatusSupports || st[StepStratum] != StatusSupports || st[StepNetflow] != StatusMissing {
		t.Errorf("statuses %v", st)
	}
	if len(a.Sessions) != 1 || a.Sessions[0].Agent != "xmr-stak-cpu/1.3.0-1.5.0" {
		t.Fatalf("sessions %+v", a.Sessions)
	}
	if sum := summaryOf(a, StepStratum); !strings.Contains(sum, "30 shares submitted") {
		t.Errorf("stratum summary %q", sum)
	}
	if a.Suggestion.Disposition != TruePositive || !strings.Contains(strings.Join(a.Suggestion.For, "\n"), "miner user agent xmr-stak-cpu") {
		t.Errorf("suggestion %+v", a.Suggestion)
	}
	// The analysis is cached by sha256 and pair: with the bytes gone, the
	// next analysis still has the result.
	key := captureCacheKey(ref.SHA256)
	if _, ok := repo.cache[key]; !ok {
		t.Fatalf("no cache entry %q", key)
	}
	repo.bytes[ref.SHA256] = []byte("not a capture")
	b, err := s.Analyze(context.Background(), al.ID)
	if err != nil || len(b.Sessions) != 1 || b.Captures[0].Err != "" {
		t.Errorf("cached analysis: err %v, sessions %d, capture error %q", err, len(b.Sessions), b.Captures[0].Err)
	}
}

func TestJSONRPCCaptureArguesAgainst(t *testing.T) {
	repo := newMemRepo()
	al := minerAlert("jsonrpc", "192.168.8.251", 51084, "179.99.210.200", 80)
	repo.addAlert(al)
	withCapture(t, repo, al.ID, "nDPI_jsonrpc_NEG-echo-tcp+zabbix-http.pcap")
	a, err := NewService(repo, Options{Now: fixedNow}).Analyze(context.Background(), al.ID)
	if err != nil {
		t.Fatal(err)
	}
	st := stepStatus(a)
	if st[StepCapture] != StatusAgainst || st[StepStratum] != StatusAgainst || st[StepApplication] != StatusAgainst {
		t.Errorf("statuses %v", st)
	}
	if a.Suggestion.Disposition != FalsePositive {
		t.Errorf("suggestion %+v", a.Suggestion)
	}
}

func TestUnreadableCaptureIsReportedNotFatal(t *testing.T) {
	repo := newMemRepo()
	al := minerAlert("broken", "10.0.0.5", 49822, "45.9.148.21", 80)
	repo.addAlert(al)
	ref := CaptureRef{SHA256: strings.Repeat("0", 64), Name: "broken.pcap", Format: "pcap"}
	repo.bytes[ref.SHA256] = []byte("\xd4\xc3\xb2\xa1garbage")
	repo.captures[al.ID] = []CaptureRef{ref}
	a, err := NewService(repo, Options{Now: fixedNow}).Analyze(context.Background(), al.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Captures[0].Err == "" || !strings.Contains(a.Captures[0].Err, "broken.pcap") {
		t.Errorf("capture error %q should name the file", a.Captures[0].Err)
	}
	if st := stepStatus(a); st[StepCapture] != StatusNeutral {
		t.Errorf("capture status %s", st[StepCapture])
	}
}

func TestIDSPayloadLoginIsReconstructed(t *testing.T) {
	repo := newMemRepo()
	al := minerAlert("eve", "192.168.1.109", 49652, "194.233.80.217", 80)
	al.Payload = []byte(`{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"49iZPmCnXje1P7PWwUcCQBdieCzpEYEvr21xGSK4Ea733Qh7RUKsLrMMJFaVXupP3fCwHBjfdyjkzfA1gGuGL5XuAnBy436","pass":"x","agent":"pwnRig/(by pwned) (Linux x86_64) libuv/1.41.0 gcc/8.3.0","algo":["rx/0"]}}` + "\n")
	repo.addAlert(al)
	a, err := NewService(repo, Options{Now: fixedNow}).Analyze(context.Background(), al.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !a.PayloadStratum || len(a.Sessions) != 1 || a.Sessions[0].Agent == "" {
		t.Fatalf("payload session not reconstructed: %+v", a.Sessions)
	}
	if st := stepStatus(a); st[StepStratum] != StatusSupports || st[StepCapture] != StatusMissing {
		t.Errorf("statuses %v", st)
	}
	if a.Suggestion.Disposition != TruePositive || !strings.Contains(strings.Join(a.Suggestion.For, "\n"), "miner user agent pwnRig") {
		t.Errorf("suggestion %+v", a.Suggestion)
	}
}
