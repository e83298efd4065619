package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/textsafe"
)

// Each malformed sample is refused whole with "FILE:LINE: what" and
// nothing of it stored.
func TestMalformedSamplesStoreNothing(t *testing.T) {
	cases := []struct {
		file string
		line int
		want string
	}{
		{"bad/panos_truncated.log", 2, "THREAT line has 20 fields"},
		{"bad/panos_bad_ip.log", 2, `source address "10.1.216.999" is not an IP address`},
		{"bad/panos_bad_type.log", 2, "not a PAN-OS log type"},
		{"bad/eve_bad_json.json", 2, "not a JSON object"},
		{"bad/zeek_bad_json.json", 3, "not a JSON object: syntax error at byte 56"},
		{"bad/eve_bad_base64.json", 1, "payload is not base64"},
		{"bad/zeek_bad_columns.log", 10, "row has 20 columns, #fields names 21"},
		{"bad/nfdump_bad_row.csv", 3, `source address "not-an-ip" is not an IP address`},
		{"bad/panos_export_bad_port.csv", 3, `source port "70000" is not a port number`},
	}
	for _, c := range cases {
		s := newFakeSink()
		sum, err := ImportFile(context.Background(), sample(c.file), s, Options{All: true})
		if sum.Stored != 0 || sum.Alerts != 0 || sum.Flows != 0 || sum.Errors != 1 {
			t.Errorf("%s: failed import's summary claims records: %+v", c.file, sum)
		}
		if err == nil {
			t.Errorf("%s: imported without error", c.file)
			continue
		}
		prefix := sample(c.file) + ":" + strconv.Itoa(c.line) + ": "
		if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want prefix %q containing %q", c.file, err, prefix, c.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", c.file, err)
		}
		if !s.empty() || s.rollbacks != 1 {
			t.Errorf("%s: stored something (alerts %d, flows %d, commits %d, rollbacks %d)",
				c.file, len(s.alerts), len(s.flows), s.commits, s.rollbacks)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	s := newFakeSink()
	_, err := ImportFile(context.Background(), sample("bad/unknown.txt"), s, Options{})
	want := sample("bad/unknown.txt") + ": not a recognised evidence format (first line: "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("error = %v, want prefix %q", err, want)
	}
	if s.begun != 0 {
		t.Error("BeginImport was called for a file of no known format")
	}
}

func TestDuplicateFile(t *testing.T) {
	s := newFakeSink()
	path := sample("panos_8x_short.log")
	if _, err := ImportFile(context.Background(), path, s, Options{}); err != nil {
		t.Fatal(err)
	}
	sum, err := ImportFile(context.Background(), path, s, Options{})
	if err != ErrDuplicateFile {
		t.Fatalf("second import: err = %v, want ErrDuplicateFile unchanged", err)
	}
	raw, _ := os.ReadFile(path)
	h := sha256.Sum256(raw)
	if sum.SHA256 != hex.EncodeToString(h[:]) || sum.Format != FormatPANOSSyslog || s.commits != 1 {
		t.Errorf("duplicate summary = %+v, commits %d", sum, s.commits)
	}
	if m := s.metas[0]; m.Name != "panos_8x_short.log" || !filepath.IsAbs(m.Path) || m.Size != int64(len(raw)) {
		t.Errorf("meta = %+v", m)
	}
}

// The same records in another file are counted as duplicates, not stored.
func TestDuplicateRecords(t *testing.T) {
	dir := t.TempDir()
	raw, _ := os.ReadFile(sample("panos_8x_short.log"))
	p := filepath.Join(dir, "again.log")
	os.WriteFile(p, append(raw, '\n'), 0o600) // other bytes, same records
	s := newFakeSink()
	ImportFile(context.Background(), sample("panos_8x_short.log"), s, Options{})
	sum, err := ImportFile(context.Background(), p, s, Options{})
	if err != nil || sum.Duplicates != 2 || sum.Alerts != 0 {
		t.Errorf("re-import under another name: %+v, %v", sum, err)
	}
}

func TestGzipLog(t *testing.T) {
	raw, _ := os.ReadFile(sample("panos_real_syslog.log"))
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	p := filepath.Join(t.TempDir(), "threat.log.gz")
	os.WriteFile(p, buf.Bytes(), 0o600)
	s := newFakeSink()
	sum, err := ImportFile(context.Background(), p, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(buf.Bytes())
	if sum.Format != FormatPANOSSyslog || sum.Alerts != 1 || sum.Flows != 3 || sum.SHA256 != hex.EncodeToString(h[:]) {
		t.Errorf("gzip import: %+v", sum)
	}
	if a := s.alertByThreatID(85886); a == nil || a.Line != 1 {
		t.Errorf("gzip alert = %+v", a)
	}
}

func TestHostileFieldsStoredAsIs(t *testing.T) {
	s, sum := importOK(t, "hostile/panos_escape_threat.log", Options{})
	if sum.Alerts != 1 {
		t.Fatalf("summary = %+v", sum)
	}
	a := s.alertByThreatID(85886)
	if a == nil || !strings.Contains(a.Threat, "\x1b]0;pwned\x07XMRig\x1b[2J") || !strings.Contains(a.Threat, "\xff\xfe") ||
		a.Rule != "Rule\u202etxt.exe" || a.URL != "pool.example\x1b[31m.com" {
		t.Fatalf("hostile fields not kept byte for byte: %+v", a)
	}
	for _, v := range []string{a.Threat, a.Rule, a.URL} {
		if shown := textsafe.Line(v); strings.ContainsAny(shown, "\x1b\x07\u202e") {
			t.Errorf("textsafe.Line(%q) = %q still drives the terminal", v, shown)
		}
	}
}

func TestLineOverCap(t *testing.T) {
	good, _ := os.ReadFile(sample("panos_8x_short.log"))
	first := good[:bytes.IndexByte(good, '\n')+1]
	long := append([]byte("1,2019/03/14 09:12:44,001801012345,THREAT,spyware,"), bytes.Repeat([]byte("A"), MaxLine+10)...)
	p := filepath.Join(t.TempDir(), "long.log")
	os.WriteFile(p, append(append(append([]byte{}, first...), long...), "\n"...), 0o600)
	s := newFakeSink()
	_, err := ImportFile(context.Background(), p, s, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), p+":2: line is longer than") {
		t.Fatalf("error = %v", err)
	}
	if !s.empty() {
		t.Error("stored part of a file with an over-long line")
	}
}

func TestCancelledImport(t *testing.T) {
	var lines bytes.Buffer
	one, _ := os.ReadFile(sample("panos_traffic_export.csv"))
	lines.Write(one)
	row := one[bytes.IndexByte(one, '\n')+1:]
	for lines.Len() < 4<<20 {
		lines.Write(row)
	}
	p := filepath.Join(t.TempDir(), "big.csv")
	os.WriteFile(p, lines.Bytes(), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	s := newFakeSink()
	calls := 0
	_, err := ImportFile(ctx, p, s, Options{Progress: func(read, total int64) {
		calls++
		if read > 0 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !s.empty() || s.rollbacks != 1 || calls == 0 {
		t.Errorf("cancelled import: commits %d rollbacks %d progress calls %d", s.commits, s.rollbacks, calls)
	}
}

func TestProgressReachesTotal(t *testing.T) {
	var last, total int64
	s := newFakeSink()
	_, err := ImportFile(context.Background(), sample("zeek_conn.log"), s, Options{Progress: func(r, t int64) { last, total = r, t }})
	st, _ := os.Stat(sample("zeek_conn.log"))
	if err != nil || last != st.Size() || total != st.Size() {
		t.Errorf("progress ended at %d/%d, size %d (%v)", last, total, st.Size(), err)
	}
}

// With a tiny read buffer every line takes the long-line path and the
// buffer is overwritten between lines: any field kept as a view into it
// instead of a copy would show up as corrupted values.
func TestSmallReadBufferSameRecords(t *testing.T) {
	files := []string{"panos_real_syslog.log", "panos_8x_short.log", "panos_threat_export.csv",
		"panos_traffic_export.csv", "eve_sample.json", "zeek_conn.log", "zeek_conn.json", "nfdump16.csv"}
	for _, name := range files {
		want, _ := importOK(t, name, Options{All: true})
		old := readBufSize
		readBufSize = 16
		got, _ := importOK(t, name, Options{All: true})
		readBufSize = old
		for id, a := range want.alerts {
			b := got.alerts[id]
			if b == nil || a.Threat != b.Threat || a.App != b.App || a.Serial != b.Serial || a.URL != b.URL ||
				a.Rule != b.Rule || a.Device != b.Device || a.Category != b.Category || !bytes.Equal(a.Payload, b.Payload) {
				t.Errorf("%s: alert %s differs with a small buffer:\n%+v\n%+v", name, id, a, b)
			}
		}
		if len(want.flows) != len(got.flows) {
			t.Fatalf("%s: %d flows vs %d", name, len(want.flows), len(got.flows))
		}
		for i := range want.flows {
			if *want.flows[i] != *got.flows[i] {
				t.Errorf("%s: flow %d differs:\n%+v\n%+v", name, i, want.flows[i], got.flows[i])
			}
		}
	}
}
