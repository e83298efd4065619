package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func captureSample(name string) string {
	return filepath.Join("..", "..", "testdata", "captures", name)
}

func TestImportRealCaptures(t *testing.T) {
	cases := []struct {
		file   string
		format Format
		pair   [2]string // a host pair the capture must link to
		day    string    // capture date (UTC)
	}{
		{"peafowl_monero_xmr-stak-login_DUP.pcap", FormatPcap, [2]string{"178.32.196.217", "192.168.2.92"}, "2017-12-25"},
		{"nDPI_mining_zec-ewbf+xmr-stak+eth-proxy.pcapng", FormatPcapng, [2]string{"147.229.13.222", "185.71.66.39"}, ""},
		{"peafowl_stratum_zec-ewbf-flypool_DUP.pcap", FormatPcap, [2]string{"94.23.199.191", "192.168.2.148"}, "2017-12-25"},
	}
	for _, c := range cases {
		path := captureSample(c.file)
		s := newFakeSink()
		sum, err := ImportFile(context.Background(), path, s, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if sum.Format != c.format || sum.Captures != 1 || sum.Read != 1 || len(s.captures) != 1 {
			t.Fatalf("%s: summary %+v", c.file, sum)
		}
		cf := s.captures[0]
		found := false
		for _, p := range cf.Pairs {
			if p == c.pair {
				found = true
			}
			if netip.MustParseAddr(p[1]).Less(netip.MustParseAddr(p[0])) {
				t.Errorf("%s: pair %v not sorted", c.file, p)
			}
		}
		if !found {
			t.Errorf("%s: pairs %v lack %v", c.file, cf.Pairs, c.pair)
		}
		if cf.First.IsZero() || cf.Last.Before(cf.First) {
			t.Errorf("%s: time span %v – %v", c.file, cf.First, cf.Last)
		}
		if c.day != "" && cf.First.UTC().Format(time.DateOnly) != c.day {
			t.Errorf("%s: first packet on %s, want %s", c.file, cf.First.UTC().Format(time.DateOnly), c.day)
		}
		if cf.Meta.Format != c.format || cf.Meta.SHA256 != sum.SHA256 || cf.Open == nil {
			t.Errorf("%s: meta %+v", c.file, cf.Meta)
		}
		rc, err := cf.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		want, _ := os.ReadFile(path)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: Open does not give the file back", c.file)
		}
	}
}

func TestImportGzipCapture(t *testing.T) {
	raw, err := os.ReadFile(captureSample("peafowl_monero_xmr-stak-login_DUP.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	p := filepath.Join(t.TempDir(), "miner.bin") // no telling extension
	os.WriteFile(p, buf.Bytes(), 0o600)
	s := newFakeSink()
	sum, err := ImportFile(context.Background(), p, s, Options{})
	if err != nil || sum.Format != FormatPcap || sum.Captures != 1 {
		t.Fatalf("gzip pcap: %+v %v", sum, err)
	}
	if len(s.captures[0].Pairs) == 0 {
		t.Error("gzip pcap: no host pairs")
	}
}

// A file that starts like a capture but is not one is refused whole.
func TestImportBrokenCapture(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.pcap")
	os.WriteFile(p, []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0}, 0o600) // magic, then cut inside the header
	s := newFakeSink()
	_, err := ImportFile(context.Background(), p, s, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), p+": ") {
		t.Fatalf("error = %v", err)
	}
	if !s.empty() || s.rollbacks != 1 {
		t.Error("a broken capture was stored")
	}
}
