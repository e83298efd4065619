package capture

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realCapture reads one of the real captures in testdata/captures.
func realCapture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "captures", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestScanRealCaptures(t *testing.T) {
	cases := []struct {
		file     string
		format   string
		link     string
		packets  int
		wantPair [2]string
	}{
		{"nDPI_mining_zec-ewbf+xmr-stak+eth-proxy.pcapng", "pcapng", "Ethernet", 673, [2]string{"178.32.196.217", "192.168.2.92"}},
		{"peafowl_monero_xmr-stak-login_DUP.pcap", "pcap", "Ethernet", 145, [2]string{"178.32.196.217", "192.168.2.92"}},
		{"nDPI_nats_NEG-dltnull-json-text.pcap", "pcap", "BSD loopback", 27, [2]string{"127.0.0.1", "127.0.0.1"}},
		{"zeek-cryptomining_bitcoin-mining_bfgminer-bitminter.pcap", "pcap", "Ethernet", 188, [2]string{"10.0.2.15", "74.84.128.158"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			info, err := Scan(context.Background(), bytes.NewReader(realCapture(t, c.file)))
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != c.format || info.LinkType != c.link || info.Packets != c.packets || info.Truncated {
				t.Fatalf("got %s %s %d packets truncated=%v, want %s %s %d", info.Format, info.LinkType, info.Packets, info.Truncated, c.format, c.link, c.packets)
			}
			found := false
			for _, p := range info.Pairs {
				if p == c.wantPair {
					found = true
				}
			}
			if !found {
				t.Fatalf("pair %v not in %v", c.wantPair, info.Pairs)
			}
			if info.First.IsZero() || info.Last.Before(info.First) {
				t.Fatalf("times %v .. %v", info.First, info.Last)
			}
		})
	}
}

func TestScanTruncatedAndNotCapture(t *testing.T) {
	full := realCapture(t, "peafowl_monero_xmr-stak-login_DUP.pcap")
	info, err := Scan(context.Background(), bytes.NewReader(full[:len(full)-10]))
	if err != nil {
		t.Fatal(err)
	}
	if !info.Truncated || info.Packets != 144 || !strings.Contains(info.Warning, "145") {
		t.Fatalf("truncated scan: %+v", info)
	}
	_, err = Scan(context.Background(), strings.NewReader("timestamp,src,dst\n1,2,3\n"))
	if !errors.Is(err, ErrNotCapture) {
		t.Fatalf("CSV: err = %v, want ErrNotCapture", err)
	}
}
