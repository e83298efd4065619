package store

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// addCapture imports one capture file whose bytes are data.
func addCapture(t *testing.T, s *Store, m ingest.FileMeta, data []byte, pairs [][2]string) bool {
	t.Helper()
	m.SHA256, m.Size = sha(string(data)), int64(len(data))
	tx, err := s.BeginImport(m)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := tx.PutCapture(ingest.CaptureFile{
		Meta:  m,
		Open:  func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		Pairs: pairs, First: t0, Last: t0.Add(70e9),
	})
	if err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(ingest.Summary{Read: 1, Stored: 1, Captures: 1}); err != nil {
		t.Fatal(err)
	}
	return ok
}

// readAll opens a capture through the store and reads it.
func readAll(s *Store, id string) ([]byte, error) {
	refs, err := s.CapturesFor(id)
	if err != nil {
		return nil, err
	}
	if len(refs) != 1 {
		return nil, io.ErrUnexpectedEOF
	}
	rc, err := s.OpenCapture(refs[0])
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestSmallCaptureSurvivesTheOriginal(t *testing.T) {
	s, _ := openTemp(t)
	load(t, s, meta("threat.log"), []alert.Alert{minerAlert("a1", t0, miner, 501)}, nil)

	data := []byte("\xd4\xc3\xb2\xa1 a small pcap with a login from xmrig")
	m := meta("small.pcap")
	m.Path = filepath.Join(t.TempDir(), "small.pcap") // never written: the store holds the bytes
	if !addCapture(t, s, m, data, [][2]string{{miner.String(), pool.String()}}) {
		t.Fatal("capture not stored")
	}
	got, err := readAll(s, "a1")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %q, %v", got, err)
	}
}

func TestLargeCaptureKeptByPathIsVerified(t *testing.T) {
	s, _ := openTemp(t)
	s.smallCapture = 16 // anything larger is kept by path
	load(t, s, meta("threat.log"), []alert.Alert{minerAlert("a1", t0, miner, 501)}, nil)

	data := []byte("a capture larger than the in-store limit")
	path := filepath.Join(t.TempDir(), "big.pcapng")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	m := meta("big.pcapng")
	m.Path, m.Format = path, ingest.FormatPcapng
	addCapture(t, s, m, data, [][2]string{{pool.String(), miner.String()}})
	refs, _ := s.CapturesFor("a1")
	if len(refs) != 1 || refs[0].Stored || refs[0].Path != path {
		t.Fatalf("ref %+v", refs)
	}
	got, err := readAll(s, "a1")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %q, %v", got, err)
	}
	if err := os.WriteFile(path, append(data, '!'), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(s, "a1"); err == nil || !strings.Contains(err.Error(), "has changed since it was imported") || !strings.Contains(err.Error(), path) {
		t.Errorf("changed file: %v", err)
	}
	os.Remove(path)
	if _, err := readAll(s, "a1"); err == nil || !strings.Contains(err.Error(), "no longer exists") {
		t.Errorf("missing file: %v", err)
	}
}

func TestCaptureChangedDuringImport(t *testing.T) {
	s, _ := openTemp(t)
	m := meta("racy.pcap")
	m.SHA256, m.Size = sha("original"), 8
	tx, _ := s.BeginImport(m)
	defer tx.Rollback()
	_, err := tx.PutCapture(ingest.CaptureFile{Meta: m, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("tampered")), nil
	}})
	if err == nil || !strings.Contains(err.Error(), "changed while it was being imported") {
		t.Errorf("got %v", err)
	}
}

func TestCaptureBadPair(t *testing.T) {
	s, _ := openTemp(t)
	m := meta("x.pcap")
	tx, _ := s.BeginImport(m)
	defer tx.Rollback()
	if _, err := tx.PutCapture(ingest.CaptureFile{Meta: m, Pairs: [][2]string{{"10.0.0.1", "pool.example"}}}); err == nil {
		t.Error("a host name accepted as a pair address")
	}
}
