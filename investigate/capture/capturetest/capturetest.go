// Package capturetest builds packet captures in memory for tests: TCP
// conversations (handshake, data in any segmentation and order), UDP and
// DNS answers, TLS ClientHellos, on Ethernet, 802.1Q, Linux SLL/SLL2, raw IP
// or BSD loopback, written as pcap, pcapng (several interfaces) or gzip.
// Other packages' tests (casework, demo) use it to make evidence.
package capturetest

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// LinkTypeSLL2 is LINKTYPE_LINUX_SLL2. gopacket's LinkType is a uint8,
// so the pcap writer patches the real value into the file header.
const LinkTypeSLL2 = 276

// Packet is one record to write.
type Packet struct {
	Time  time.Time
	Iface int // pcapng interface index (0 for pcap)
	Data  []byte
}

// Builder accumulates packets. Links[i] is interface i's link type
// (a layers.LinkType value, or LinkTypeSLL2).
type Builder struct {
	Links   []int
	Packets []Packet
	VLANs   int // 802.1Q tags on Ethernet frames (2 = QinQ)
	Now     time.Time
	Step    time.Duration // clock advance per packet
	Iface   int           // interface new packets go to
}

// New returns a builder whose interface 0 has the given link type; more
// link types add pcapng interfaces.
func New(links ...int) *Builder {
	if len(links) == 0 {
		links = []int{int(layers.LinkTypeEthernet)}
	}
	return &Builder{Links: links, Now: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), Step: 10 * time.Millisecond}
}

// Addr parses "10.0.0.5:49822" or "[fd00::5]:40112"; it panics on bad
// input (test data).
func Addr(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// IPPacket serialises an IP packet carrying the transport layer tl
// (a *layers.TCP or *layers.UDP) and payload.
func IPPacket(src, dst netip.AddrPort, tl gopacket.SerializableLayer, payload []byte) []byte {
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	buf := gopacket.NewSerializeBuffer()
	var ip gopacket.NetworkLayer
	var ipl gopacket.SerializableLayer
	if src.Addr().Is4() {
		v4 := &layers.IPv4{Version: 4, TTL: 64, SrcIP: net.IP(src.Addr().AsSlice()), DstIP: net.IP(dst.Addr().AsSlice())}
		switch tl.(type) {
		case *layers.TCP:
			v4.Protocol = layers.IPProtocolTCP
		case *layers.UDP:
			v4.Protocol = layers.IPProtocolUDP
		}
		ip, ipl = v4, v4
	} else {
		v6 := &layers.IPv6{Version: 6, HopLimit: 64, SrcIP: net.IP(src.Addr().AsSlice()), DstIP: net.IP(dst.Addr().AsSlice())}
		switch tl.(type) {
		case *layers.TCP:
			v6.NextHeader = layers.IPProtocolTCP
		case *layers.UDP:
			v6.NextHeader = layers.IPProtocolUDP
		}
		ip, ipl = v6, v6
	}
	switch t := tl.(type) {
	case *layers.TCP:
		t.SrcPort, t.DstPort = layers.TCPPort(src.Port()), layers.TCPPort(dst.Port())
		_ = t.SetNetworkLayerForChecksum(ip)
	case *layers.UDP:
		t.SrcPort, t.DstPort = layers.UDPPort(src.Port()), layers.UDPPort(dst.Port())
		_ = t.SetNetworkLayerForChecksum(ip)
	}
	if err := gopacket.SerializeLayers(buf, opts, ipl, tl, gopacket.Payload(payload)); err != nil {
		panic(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

// Frame wraps an IP packet in the link layer of interface iface.
func (b *Builder) Frame(iface int, ip []byte) []byte {
	v6 := len(ip) > 0 && ip[0]>>4 == 6
	etype := uint16(0x0800)
	if v6 {
		etype = 0x86DD
	}
	switch b.Links[iface] {
	case int(layers.LinkTypeEthernet):
		h := []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa}
		for i := 0; i < b.VLANs; i++ {
			tpid := uint16(0x8100)
			if i == 0 && b.VLANs > 1 {
				tpid = 0x88a8
			}
			h = binary.BigEndian.AppendUint16(h, tpid)
			h = binary.BigEndian.AppendUint16(h, uint16(100+i))
		}
		h = binary.BigEndian.AppendUint16(h, etype)
		return append(h, ip...)
	case int(layers.LinkTypeLinuxSLL):
		h := []byte{0, 0, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0}
		h = binary.BigEndian.AppendUint16(h, etype)
		return append(h, ip...)
	case LinkTypeSLL2:
		h := binary.BigEndian.AppendUint16(nil, etype)
		h = append(h, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0)
		return append(h, ip...)
	case int(layers.LinkTypeNull):
		fam := uint32(2)
		if v6 {
			fam = 30
		}
		return append(binary.LittleEndian.AppendUint32(nil, fam), ip...)
	case int(layers.LinkTypeRaw):
		return append([]byte(nil), ip...)
	}
	panic(fmt.Sprintf("capturetest: link type %d not supported", b.Links[iface]))
}

// Add appends an IP packet framed for the current interface and advances
// the clock. It returns the packet's frame number (1-based).
func (b *Builder) Add(ip []byte) int {
	b.Packets = append(b.Packets, Packet{Time: b.Now, Iface: b.Iface, Data: b.Frame(b.Iface, ip)})
	b.Now = b.Now.Add(b.Step)
	return len(b.Packets)
}

// UDP adds one UDP datagram.
func (b *Builder) UDP(src, dst string, payload []byte) int {
	return b.Add(IPPacket(Addr(src), Addr(dst), &layers.UDP{}, payload))
}

// DNSAnswer adds a DNS response from server to client answering name with
// a CNAME chain (cnames, in order) ending in the addresses.
func (b *Builder) DNSAnswer(client, server, name string, cnames []string, addrs ...string) int {
	d := &layers.DNS{ID: 0x1234, QR: true, RD: true, RA: true, OpCode: layers.DNSOpCodeQuery}
	d.Questions = []layers.DNSQuestion{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}
	owner := name
	for _, c := range cnames {
		d.Answers = append(d.Answers, layers.DNSResourceRecord{Name: []byte(owner), Type: layers.DNSTypeCNAME, Class: layers.DNSClassIN, TTL: 60, CNAME: []byte(c)})
		owner = c
	}
	for _, a := range addrs {
		ip := netip.MustParseAddr(a)
		typ := layers.DNSTypeA
		if ip.Is6() {
			typ = layers.DNSTypeAAAA
		}
		d.Answers = append(d.Answers, layers.DNSResourceRecord{Name: []byte(owner), Type: typ, Class: layers.DNSClassIN, TTL: 60, IP: net.IP(ip.AsSlice())})
	}
	buf := gopacket.NewSerializeBuffer()
	if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		panic(err)
	}
	return b.UDP(server, client, buf.Bytes())
}

// Pcap writes the packets as a classic pcap file (interface 0's link type).
func (b *Builder) Pcap() []byte {
	var out bytes.Buffer
	w := pcapgo.NewWriterNanos(&out)
	if err := w.WriteFileHeader(262144, layers.LinkType(b.Links[0]&0xff)); err != nil {
		panic(err)
	}
	if b.Links[0] > 0xff { // patch the real link type (gopacket's is a uint8)
		binary.LittleEndian.PutUint32(out.Bytes()[20:24], uint32(b.Links[0]))
	}
	for _, p := range b.Packets {
		ci := gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(p.Data), Length: len(p.Data)}
		if err := w.WritePacket(ci, p.Data); err != nil {
			panic(err)
		}
	}
	return out.Bytes()
}

// PcapNg writes the packets as pcapng with one interface per link type.
func (b *Builder) PcapNg() []byte {
	var out bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&out, pcapgo.NgInterface{Name: "if0", LinkType: layers.LinkType(b.Links[0]), SnapLength: 262144}, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		panic(err)
	}
	for i, lt := range b.Links[1:] {
		if _, err := w.AddInterface(pcapgo.NgInterface{Name: fmt.Sprintf("if%d", i+1), LinkType: layers.LinkType(lt), SnapLength: 262144}); err != nil {
			panic(err)
		}
	}
	for _, p := range b.Packets {
		ci := gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(p.Data), Length: len(p.Data), InterfaceIndex: p.Iface}
		if err := w.WritePacket(ci, p.Data); err != nil {
			panic(err)
		}
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// Gzip compresses b (a capture) the way `gzip FILE` would.
func Gzip(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return out.Bytes()
}

// Fragment splits an IPv4 or IPv6 packet (no extension headers) into
// fragments carrying at most size bytes of its payload each (size is
// rounded down to a multiple of 8).
func Fragment(ip []byte, size int, id uint32) [][]byte {
	size &^= 7
	v6 := ip[0]>>4 == 6
	hl := int(ip[0]&0x0f) * 4
	if v6 {
		hl = 40
	}
	payload := ip[hl:]
	var out [][]byte
	for off := 0; off < len(payload); off += size {
		end := min(off+size, len(payload))
		more := end < len(payload)
		h := append([]byte(nil), ip[:hl]...)
		if v6 {
			next := h[6]
			h[6] = 44
			field := uint16(off) | map[bool]uint16{true: 1}[more]
			fh := []byte{next, 0, byte(field >> 8), byte(field)}
			fh = binary.BigEndian.AppendUint32(fh, id)
			h = append(h, fh...)
			binary.BigEndian.PutUint16(h[4:6], uint16(8+end-off))
		} else {
			field := uint16(off/8) | map[bool]uint16{true: 0x2000}[more]
			binary.BigEndian.PutUint16(h[4:6], uint16(id))
			binary.BigEndian.PutUint16(h[6:8], field)
			binary.BigEndian.PutUint16(h[2:4], uint16(hl+end-off))
			h[10], h[11] = 0, 0 // checksum: not verified by readers of test data
		}
		out = append(out, append(h, payload[off:end]...))
	}
	return out
}
