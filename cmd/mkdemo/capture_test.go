package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/minertriage/minertriage/investigate/stratum"
)

// conv is one TCP conversation read back from a capture.
type conv struct {
	client, server string
	tracker        *stratum.Tracker
	next           [2]uint32 // next expected sequence number per direction
	started        [2]bool
	syn            bool
}

// readCapture decodes every frame of a demo capture (pcap, pcapng or
// gzip), checks the IPv4/TCP/UDP checksums and TCP sequence continuity,
// and feeds each conversation's bytes to a Stratum tracker.
func readCapture(t *testing.T, name string) (map[string]*conv, []*layers.DNS) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(demoDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	next := packetSource(t, name, data)
	convs := map[string]*conv{}
	var dns []*layers.DNS
	for frame := 1; ; frame++ {
		raw, ci, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s frame %d: %v", name, frame, err)
		}
		pkt := gopacket.NewPacket(raw, layers.LayerTypeEthernet, gopacket.Default)
		if el := pkt.ErrorLayer(); el != nil {
			t.Fatalf("%s frame %d: %v", name, frame, el.Error())
		}
		checkChecksums(t, name, frame, pkt)
		if d, ok := pkt.Layer(layers.LayerTypeDNS).(*layers.DNS); ok {
			dns = append(dns, d)
		}
		ip4, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok {
			continue
		}
		a := fmt.Sprintf("%s:%d", ip4.SrcIP, tcp.SrcPort)
		b := fmt.Sprintf("%s:%d", ip4.DstIP, tcp.DstPort)
		c := convs[a+" "+b]
		dir := stratum.FromClient
		if c == nil {
			c = convs[b+" "+a]
			dir = stratum.FromServer
		}
		if c == nil {
			c = &conv{client: a, server: b, tracker: stratum.NewTracker(a, b), syn: tcp.SYN}
			convs[a+" "+b] = c
			dir = stratum.FromClient
		}
		if c.started[dir] && tcp.Seq != c.next[dir] {
			t.Errorf("%s frame %d: seq %d, want %d (%s)", name, frame, tcp.Seq, c.next[dir], c.client)
		}
		c.started[dir] = true
		c.next[dir] = tcp.Seq + uint32(len(tcp.Payload))
		if tcp.SYN || tcp.FIN {
			c.next[dir]++
		}
		c.tracker.Feed(dir, ci.Timestamp, frame, tcp.Payload)
	}
	return convs, dns
}

// packetSource opens classic pcap or pcapng by magic number.
func packetSource(t *testing.T, name string, data []byte) func() ([]byte, gopacket.CaptureInfo, error) {
	if bytes.HasPrefix(data, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		if !strings.HasSuffix(name, ".pcapng") {
			t.Errorf("%s is pcapng", name)
		}
		r, err := pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return r.ReadPacketData
	}
	if strings.Contains(name, ".pcapng") {
		t.Errorf("%s is not pcapng", name)
	}
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Errorf("%s link type %v", name, r.LinkType())
	}
	return r.ReadPacketData
}

// checkChecksums re-serialises the packet with computed checksums and
// compares the bytes: the generator must have written correct ones.
func checkChecksums(t *testing.T, name string, frame int, pkt gopacket.Packet) {
	t.Helper()
	var ls []gopacket.SerializableLayer
	ip4, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	for _, l := range pkt.Layers() {
		switch v := l.(type) {
		case *layers.TCP:
			_ = v.SetNetworkLayerForChecksum(ip4)
		case *layers.UDP:
			_ = v.SetNetworkLayerForChecksum(ip4)
		case *layers.DNS:
			continue // carried as the UDP payload below
		}
		if s, ok := l.(gopacket.SerializableLayer); ok {
			ls = append(ls, s)
		}
	}
	if udp, ok := pkt.Layer(layers.LayerTypeUDP).(*layers.UDP); ok {
		ls = append(ls, gopacket.Payload(udp.Payload))
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, ls...); err != nil {
		t.Fatalf("%s frame %d: %v", name, frame, err)
	}
	if !bytes.Equal(buf.Bytes(), pkt.Data()) {
		t.Errorf("%s frame %d: checksums or lengths are wrong", name, frame)
	}
}

func sessions(convs map[string]*conv) []*stratum.Session {
	var out []*stratum.Session
	for _, c := range convs {
		if s := c.tracker.Session(); s != nil {
			out = append(out, s)
		}
	}
	return out
}

func step(s *stratum.Session, name stratum.StepName) stratum.Step {
	for _, st := range s.Steps {
		if st.Step == name {
			return st
		}
	}
	return stratum.Step{}
}

func dnsNames(dns []*layers.DNS) string {
	var out []string
	for _, d := range dns {
		for _, a := range d.Answers {
			out = append(out, string(a.Name)+"="+a.IP.String())
		}
	}
	return strings.Join(out, " ")
}

func TestClearMinerCapture(t *testing.T) {
	convs, dns := readCapture(t, "xmrig-miner.pcap")
	if got := dnsNames(dns); got != "pool.supportxmr.com=45.9.148.21" {
		t.Errorf("DNS answers %q", got)
	}
	ss := sessions(convs)
	if len(ss) != 1 {
		t.Fatalf("%d Stratum sessions, want 1", len(ss))
	}
	s := ss[0]
	if s.Dialect != stratum.DialectXMRig || s.Agent != agentLinux || s.Server != "45.9.148.21:3333" {
		t.Errorf("session %s %q %s", s.Dialect, s.Agent, s.Server)
	}
	for _, n := range []stratum.StepName{stratum.StepLogin, stratum.StepJob, stratum.StepSubmit, stratum.StepResult} {
		if st := step(s, n); !st.Observed {
			t.Errorf("step %s not observed", n)
		}
	}
	if step(s, stratum.StepJob).Count < 5 || s.Accepted < 3 || s.Rejected != 0 || s.Keepalives == 0 || s.SeedHash == "" || s.Height == 0 {
		t.Errorf("jobs %d accepted %d rejected %d keepalives %d seed %q height %d",
			step(s, stratum.StepJob).Count, s.Accepted, s.Rejected, s.Keepalives, s.SeedHash, s.Height)
	}
	if len(s.Algorithms) == 0 || s.Algorithms[0] != "rx/0" {
		t.Errorf("algorithms %v", s.Algorithms)
	}
	assertTuplesLogged(t, convs)
}

func TestBlockedMinerCapture(t *testing.T) {
	convs, dns := readCapture(t, "blocked-miner.pcapng")
	if got := dnsNames(dns); got != "gulf.moneroocean.stream=141.95.72.19" {
		t.Errorf("DNS answers %q", got)
	}
	ss := sessions(convs)
	if len(ss) != 5 {
		t.Fatalf("%d Stratum sessions, want 5 (the logins before the block)", len(ss))
	}
	for _, s := range ss {
		if !step(s, stratum.StepLogin).Observed || step(s, stratum.StepJob).Observed || s.Agent != agentWindows {
			t.Errorf("%s: login %v job %v agent %q", s.Client, step(s, stratum.StepLogin).Observed, step(s, stratum.StepJob).Observed, s.Agent)
		}
	}
	if len(convs) < 10 {
		t.Errorf("%d TCP conversations, want the refused SYNs after the block too", len(convs))
	}
	assertTuplesLogged(t, convs)
}

func TestFalsePositiveCapture(t *testing.T) {
	convs, _ := readCapture(t, "jsonrpc-false-positive.pcap")
	if ss := sessions(convs); len(ss) != 0 {
		t.Errorf("benign JSON-RPC reconstructed as %d Stratum sessions (%s)", len(ss), ss[0].Dialect)
	}
	data, _ := os.ReadFile(filepath.Join(demoDir, "jsonrpc-false-positive.pcap"))
	for _, m := range []string{"web3_clientVersion", "eth_blockNumber", "POST / HTTP/1.1"} {
		if !bytes.Contains(data, []byte(m)) {
			t.Errorf("capture lacks %q", m)
		}
	}
	assertTuplesLogged(t, convs)
}

func TestAuthorizedMinerCapture(t *testing.T) {
	convs, _ := readCapture(t, "authorized-miner.pcap.gz")
	ss := sessions(convs)
	if len(ss) != 1 {
		t.Fatalf("%d Stratum sessions, want 1", len(ss))
	}
	s := ss[0]
	if !strings.HasSuffix(s.Login, "."+labWorker) || s.Accepted == 0 || !step(s, stratum.StepJob).Observed {
		t.Errorf("login %q accepted %d", s.Login, s.Accepted)
	}
	assertTuplesLogged(t, convs)
}

// assertTuplesLogged checks that every TCP conversation in a capture is a
// session in traffic.log with the same addresses and ports, so the store
// can link the capture to the alert.
func assertTuplesLogged(t *testing.T, convs map[string]*conv) {
	t.Helper()
	logged := map[string]bool{}
	for _, l := range logLines(t, "traffic.log") {
		_, f := panCSV(t, l)
		logged[f[7]+":"+f[24]+" "+f[8]+":"+f[25]] = true
	}
	for k, c := range convs {
		if !c.syn {
			t.Errorf("conversation %s does not start with a SYN", k)
		}
		if !logged[k] {
			t.Errorf("conversation %s is not in traffic.log", k)
		}
	}
}
