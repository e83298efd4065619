package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gopacket/layers"
	"github.com/minertriage/minertriage/investigate/capture/capturetest"
	"github.com/minertriage/minertriage/investigate/stratum"
)

func TestLinkTypesAndIPv6(t *testing.T) {
	cases := []struct {
		name          string
		link          int
		vlans         int
		client, srv   string
		wantLinkLayer string
	}{
		{"ethernet", int(layers.LinkTypeEthernet), 0, miner, pool, "Ethernet"},
		{"802.1Q", int(layers.LinkTypeEthernet), 1, miner, pool, "Ethernet"},
		{"QinQ", int(layers.LinkTypeEthernet), 2, miner, pool, "Ethernet"},
		{"linux SLL", int(layers.LinkTypeLinuxSLL), 0, miner, pool, "Linux SLL"},
		{"linux SLL2", capturetest.LinkTypeSLL2, 0, miner, pool, "Linux SLL2"},
		{"raw IPv4", int(layers.LinkTypeRaw), 0, miner, pool, "Raw IP"},
		{"BSD loopback", int(layers.LinkTypeNull), 0, miner, pool, "BSD loopback"},
		{"IPv6 ethernet", int(layers.LinkTypeEthernet), 0, "[fd00::5]:40112", "[2001:db8::21]:3333", "Ethernet"},
		{"IPv6 SLL", int(layers.LinkTypeLinuxSLL), 0, "[fd00::5]:40112", "[2001:db8::21]:3333", "Linux SLL"},
		{"IPv6 loopback", int(layers.LinkTypeNull), 0, "[fd00::5]:40112", "[2001:db8::21]:3333", "BSD loopback"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := capturetest.New(c.link)
			b.VLANs = c.vlans
			fullSession(b.TCP(c.client, c.srv))
			res := analyze(t, b.Pcap(), Options{MaxPackets: 3})
			if res.LinkType != c.wantLinkLayer || res.Format != "pcap" {
				t.Fatalf("link %q format %q", res.LinkType, res.Format)
			}
			oneSession(t, res, c.client, c.srv)
			if len(res.PacketList) != 3 || res.PacketList[0].Flags != "S" || res.PacketList[0].Src != c.client {
				t.Fatalf("packet list %+v", res.PacketList)
			}
		})
	}
}

func TestPcapNgTwoInterfacesAndGzip(t *testing.T) {
	b := capturetest.New(int(layers.LinkTypeEthernet), int(layers.LinkTypeLinuxSLL))
	c := b.TCP(miner, pool)
	c.Handshake()
	b.Iface = 1 // the rest of the session was captured on the second interface
	c.Send(true, []byte(xmrLogin), 0)
	c.Send(false, []byte(xmrLoginR), 0)
	b.Iface = 0
	c.Send(false, []byte(xmrJob), 0)
	b.Iface = 1
	c.Send(true, []byte(xmrSubmit), 0)
	c.Send(false, []byte(xmrOK), 0)
	ng := b.PcapNg()
	for name, data := range map[string][]byte{"pcapng": ng, "pcapng.gz": capturetest.Gzip(ng)} {
		res := analyze(t, data, Options{})
		if res.Format != "pcapng" || res.Packets != len(b.Packets) {
			t.Fatalf("%s: format %q packets %d", name, res.Format, res.Packets)
		}
		oneSession(t, res, miner, pool)
	}
	gz := analyze(t, capturetest.Gzip(capturetest.New().Pcap()), Options{})
	if gz.Format != "pcap" || gz.Packets != 0 || gz.Truncated {
		t.Fatalf("empty gzip pcap: %+v", gz)
	}
}

func TestTruncatedCapture(t *testing.T) {
	b := capturetest.New()
	fullSession(b.TCP(miner, pool))
	full := b.Pcap()
	cut := full[:len(full)-20] // the last record (the server's FIN) is incomplete
	res := analyze(t, cut, Options{})
	if !res.Truncated || res.Packets != len(b.Packets)-1 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "cut short") {
		t.Fatalf("truncated=%v packets=%d warnings=%q", res.Truncated, res.Packets, res.Warnings)
	}
	oneSession(t, res, miner, pool)
}

func TestCorruptRecordMidFile(t *testing.T) {
	b := capturetest.New()
	fullSession(b.TCP(miner, pool))
	data := b.Pcap()
	// Corrupt frame 5's record header: a capture length beyond the snaplen.
	off := 24
	for i := 0; i < 4; i++ {
		off += 16 + int(binary.LittleEndian.Uint32(data[off+8:off+12]))
	}
	binary.LittleEndian.PutUint32(data[off+8:], 1<<30)
	res := analyze(t, data, Options{})
	if !res.Truncated || res.Packets != 4 || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "frame 5") {
		t.Fatalf("truncated=%v packets=%d warnings=%q", res.Truncated, res.Packets, res.Warnings)
	}
}

func TestNotACapture(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"alerts.csv": []byte("Receive Time,Serial #,Type\n2026/11/20 09:30:00,0123,THREAT\n"),
		"empty.pcap": nil,
		"junk.gz":    capturetest.Gzip([]byte("hello, not a capture at all")),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := AnalyzeFile(context.Background(), path, Options{})
		if !errors.Is(err, ErrNotCapture) || !strings.HasPrefix(err.Error(), path+": not a packet capture (") {
			t.Fatalf("%s: err = %v", name, err)
		}
	}
}

func TestDNSChainSNIAndStratumOverTLS(t *testing.T) {
	b := capturetest.New()
	b.DNSAnswer("10.20.30.40:53000", "10.0.0.1:53", "pool.supportxmr.com", []string{"lb.supportxmr.com"}, "45.9.148.21")
	fullSession(b.TCP(miner, pool))
	// A ClientHello split across two segments, to a pool name on 443.
	tc := b.TCP("10.20.30.40:50100", "104.16.1.1:443")
	tc.Handshake()
	hello := capturetest.ClientHello("xmr-eu1.nanopool.org")
	tc.Send(true, hello, 20)
	tc.Send(false, []byte{0x16, 0x03, 0x03, 0, 2, 2, 0}, 0)
	tc.Send(true, []byte{0x17, 0x03, 0x03, 0, 4, 'E', 'V', 'I', 'L'}, 0)
	res := analyze(t, b.Pcap(), Options{})
	if len(res.DNS) == 0 || res.DNS[len(res.DNS)-1].Name != "pool.supportxmr.com" {
		t.Fatalf("dns %+v", res.DNS)
	}
	// The plaintext session is in Stratum with its dialect; the TLS one to
	// the pool name only in StratumTLS.
	if len(res.Stratum) != 1 || res.Stratum[0].TLS || res.Stratum[0].Dialect != stratum.DialectXMRig {
		t.Fatalf("stratum %+v, want the one plaintext xmrig session", res.Stratum)
	}
	if res.Stratum[0].PoolHost != "pool.supportxmr.com" {
		t.Fatalf("pool host %q, want the name the client asked DNS for", res.Stratum[0].PoolHost)
	}
	if len(res.StratumTLS) != 1 {
		t.Fatalf("stratum_tls %+v, want the one TLS session", res.StratumTLS)
	}
	if s := res.StratumTLS[0]; !s.TLS || s.Dialect != "" || s.PoolHost != "xmr-eu1.nanopool.org" || s.Server != "104.16.1.1:443" ||
		len(s.Steps) != 4 || s.Steps[0].Observed || s.Steps[0].Reason == "" {
		t.Fatalf("TLS session %+v", s)
	}
	if len(res.TLS) != 1 || res.TLS[0].SNI != "xmr-eu1.nanopool.org" || res.TLS[0].Client != "10.20.30.40:50100" {
		t.Fatalf("tls hellos %+v", res.TLS)
	}
	apps := map[string]string{}
	for _, c := range res.Conversations {
		apps[c.Server] = c.App
	}
	if apps["104.16.1.1:443"] != "tls" || apps[pool] != "stratum/xmrig" || apps["10.0.0.1:53"] != "dns" {
		t.Fatalf("apps %v", apps)
	}
	for _, s := range res.Strings {
		if s.Text == "EVIL" {
			t.Fatal("strings were taken from encrypted TLS records")
		}
	}
}

func TestLostSegmentIsAGap(t *testing.T) {
	b := capturetest.New()
	c := b.TCP(miner, pool)
	c.Handshake()
	c.Send(true, []byte(xmrLogin), 0)
	c.Send(false, []byte(xmrLoginR), 0)
	// The miner's first submit is lost from the capture; the pool's ACK
	// (carried by its reply) proves it was sent.
	c.Skip(true, len(xmrSubmit))
	c.Send(true, []byte(strings.Replace(xmrSubmit, `"id":2`, `"id":3`, 1)), 0)
	c.Send(false, []byte(xmrOK), 0)
	c.Send(false, []byte(xmrJob), 0)
	res := analyze(t, b.Pcap(), Options{})
	conv := res.Conversations[0]
	if conv.Gaps != 1 {
		t.Fatalf("gaps = %d, want 1", conv.Gaps)
	}
	s := res.Stratum[0]
	if s.Steps[2].Count != 1 || !s.Steps[2].Observed {
		t.Fatalf("the submit after the gap was not parsed: %+v", s.Steps[2])
	}
}

func TestStringsCapSanitiseAndDirection(t *testing.T) {
	b := capturetest.New()
	b.Step = 0
	c := b.TCP("10.1.1.1:40000", "10.2.2.2:8000")
	c.Handshake()
	c.Send(true, []byte("\x00\x01hello world\x1b]0;pwned\x07\x02ok\x00naïve café text\x00"), 0)
	c.Send(false, []byte("\xff\xfeserver banner v1\x00"), 0)
	res := analyze(t, b.Pcap(), Options{})
	want := []String{{4, "client", "hello world"}, {4, "client", "]0;pwned"}, {4, "client", "naïve café text"}, {5, "server", "server banner v1"}}
	if len(res.Strings) != len(want) || res.StringsTotal != len(want) {
		t.Fatalf("strings %+v", res.Strings)
	}
	for i, w := range want {
		if res.Strings[i] != w {
			t.Fatalf("string %d = %+v, want %+v", i, res.Strings[i], w)
		}
	}
	capped := analyze(t, b.Pcap(), Options{MaxStrings: 1, MinString: 3})
	if len(capped.Strings) != 1 || capped.StringsTotal != 4 {
		t.Fatalf("capped: %d kept of %d: %+v", len(capped.Strings), capped.StringsTotal, capped.Strings)
	}
	esc := analyze(t, b.Pcap(), Options{MinString: 2})
	for _, s := range esc.Strings {
		if strings.ContainsAny(s.Text, "\x1b\x07\x00") {
			t.Fatalf("raw control byte in %q", s.Text)
		}
	}
}

func TestFilterPairAndStreams(t *testing.T) {
	b := capturetest.New()
	fullSession(b.TCP(miner, pool))
	other := b.TCP("10.20.30.41:50000", "45.9.148.22:3333")
	fullSession(other)
	fp := [2]netip.Addr{netip.MustParseAddr("45.9.148.21"), netip.MustParseAddr("10.20.30.40")}
	res := analyze(t, b.Pcap(), Options{FilterPair: &fp, MaxStreamBytes: 100})
	if len(res.Conversations) != 1 || len(res.Stratum) != 1 || res.Packets != len(b.Packets) {
		t.Fatalf("filtered: %d conversations %d sessions %d packets", len(res.Conversations), len(res.Stratum), res.Packets)
	}
	if len(res.Streams) != 1 || !res.Streams[0].Truncated || res.Streams[0].Client != miner {
		t.Fatalf("streams %+v", res.Streams)
	}
	st := res.Streams[0]
	got := 0
	for _, ch := range st.Chunks {
		got += len(ch.Data)
		if ch.From != "client" {
			t.Fatalf("chunk from %q", ch.From)
		}
	}
	if got != 100 || !bytes.HasPrefix([]byte(xmrLogin), st.Chunks[0].Data) {
		t.Fatalf("stream kept %d bytes: %q", got, st.Chunks[0].Data)
	}
}
