package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// frame is one captured Ethernet frame.
type frame struct {
	t    time.Time
	data []byte
}

// capture collects frames. Conversations are simulated in full (so the
// TRAFFIC rows can count every byte of a session that lasts hours) but only
// the frames inside [from, to) are kept: a capture covers minutes.
type capture struct {
	from, to time.Time
	frames   []frame
}

// inWindow reports whether a frame at t belongs in the file.
func (c *capture) inWindow(t time.Time) bool {
	return c != nil && !t.Before(c.from) && t.Before(c.to)
}

func (c *capture) add(t time.Time, data []byte) {
	if c.inWindow(t) {
		c.frames = append(c.frames, frame{t, data})
	}
}

// sorted returns the frames in time order (stable: simultaneous frames
// keep the order they were made in).
func (c *capture) sorted() []frame {
	out := append([]frame(nil), c.frames...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].t.Before(out[j].t) })
	return out
}

// MAC addresses: hosts are VMware guests (00:50:56), the far side of every
// conversation is the firewall's inside interface (Palo Alto Networks OUI
// b4:0c:25), as a capture on the inside segment sees it.
var (
	gatewayMAC = net.HardwareAddr{0xb4, 0x0c, 0x25, 0xe0, 0x31, 0x12}
)

// hostMAC derives a stable VMware MAC from the host's address.
func hostMAC(a netip.Addr) net.HardwareAddr {
	b := a.As4()
	return net.HardwareAddr{0x00, 0x50, 0x56, b[1] ^ 0x80, b[2], b[3]}
}

var serializeOpts = gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: true}

// ipHeader builds the Ethernet and IPv4 layers for one packet.
func ipHeader(src, dst netip.Addr, proto layers.IPProtocol, id uint16, ttl uint8, srcMAC, dstMAC net.HardwareAddr) (*layers.Ethernet, *layers.IPv4) {
	eth := &layers.Ethernet{SrcMAC: srcMAC, DstMAC: dstMAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: ttl, Id: id, Flags: layers.IPv4DontFragment,
		Protocol: proto, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
	return eth, ip
}

// endpoint is one side of a simulated TCP connection.
type endpoint struct {
	ap   netip.AddrPort
	mac  net.HardwareAddr
	seq  uint32 // next sequence number to send
	ipid uint16
	ttl  uint8
	win  uint16
}

// tcpConn simulates one TCP connection and counts what each side sent, the
// way the firewall's TRAFFIC log does (bytes of whole frames, packets).
type tcpConn struct {
	cap      *capture
	c, s     endpoint
	bytesC   uint64 // client to server, frame bytes
	bytesS   uint64
	pktsC    uint64
	pktsS    uint64
	mss      int
	start    time.Time
	last     time.Time
	synAcked bool
}

// newTCPConn prepares a connection; nothing is sent until handshake.
func newTCPConn(cp *capture, rnd *prng, client, server netip.AddrPort) *tcpConn {
	return &tcpConn{cap: cp, mss: 1448,
		c: endpoint{ap: client, mac: hostMAC(client.Addr()), seq: rnd.u32(), ipid: uint16(rnd.u32()), ttl: 64, win: 64240},
		s: endpoint{ap: server, mac: gatewayMAC, seq: rnd.u32(), ipid: uint16(rnd.u32()), ttl: 52, win: 65160},
	}
}

// packet sends one segment from one side and returns its frame length.
func (k *tcpConn) packet(t time.Time, fromClient bool, tcp layers.TCP, payload []byte) {
	from, to := &k.s, &k.c
	if fromClient {
		from, to = &k.c, &k.s
	}
	tcp.SrcPort, tcp.DstPort = layers.TCPPort(from.ap.Port()), layers.TCPPort(to.ap.Port())
	tcp.Seq = from.seq
	if tcp.ACK {
		tcp.Ack = to.seq
	}
	eth, ip := ipHeader(from.ap.Addr(), to.ap.Addr(), layers.IPProtocolTCP, from.ipid, from.ttl, from.mac, to.mac)
	from.ipid++
	_ = tcp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, serializeOpts, eth, ip, &tcp, gopacket.Payload(payload)); err != nil {
		panic(fmt.Sprintf("mkdemo: serialising a TCP segment: %v", err)) // a bug in the generator
	}
	data := buf.Bytes()
	n := uint64(len(data))
	if fromClient {
		k.bytesC += n
		k.pktsC++
	} else {
		k.bytesS += n
		k.pktsS++
	}
	from.seq += uint32(len(payload))
	if tcp.SYN || tcp.FIN {
		from.seq++
	}
	k.last = t
	k.cap.add(t, data)
}

func synOptions(wscale byte) []layers.TCPOption {
	return []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{wscale}},
	}
}

// syn sends the client's SYN only (a denied or unanswered attempt).
func (k *tcpConn) syn(t time.Time) {
	k.start = t
	k.packet(t, true, layers.TCP{SYN: true, Window: k.c.win, Options: synOptions(7)}, nil)
}

// handshake opens the connection: SYN, SYN-ACK after rtt, ACK.
func (k *tcpConn) handshake(t time.Time, rtt time.Duration) time.Time {
	k.syn(t)
	t = t.Add(rtt)
	k.packet(t, false, layers.TCP{SYN: true, ACK: true, Window: k.s.win, Options: synOptions(9)}, nil)
	t = t.Add(120 * time.Microsecond)
	k.packet(t, true, layers.TCP{ACK: true, Window: 502}, nil)
	k.synAcked = true
	return t
}

// send sends payload from one side in MSS-sized segments (PSH on the last)
// and, when ackAfter > 0, a pure ACK from the other side that much later.
// It returns the time of the last packet.
func (k *tcpConn) send(t time.Time, fromClient bool, payload []byte, ackAfter time.Duration) time.Time {
	win := uint16(502)
	for len(payload) > 0 {
		n := min(len(payload), k.mss)
		seg := payload[:n]
		payload = payload[n:]
		k.packet(t, fromClient, layers.TCP{ACK: true, PSH: len(payload) == 0, Window: win}, seg)
		if len(payload) > 0 {
			t = t.Add(15 * time.Microsecond)
		}
	}
	if ackAfter > 0 {
		t = t.Add(ackAfter)
		k.packet(t, !fromClient, layers.TCP{ACK: true, Window: win}, nil)
	}
	return t
}

// rst sends a reset from one side (as the firewall does, in the server's
// name, when a threat or policy resets the session).
func (k *tcpConn) rst(t time.Time, fromClient bool) {
	k.packet(t, fromClient, layers.TCP{RST: true, ACK: true, Window: 0}, nil)
}

// close is an orderly FIN exchange started by one side.
func (k *tcpConn) close(t time.Time, fromClient bool, rtt time.Duration) time.Time {
	k.packet(t, fromClient, layers.TCP{FIN: true, ACK: true, Window: 502}, nil)
	t = t.Add(rtt)
	k.packet(t, !fromClient, layers.TCP{FIN: true, ACK: true, Window: 502}, nil)
	t = t.Add(100 * time.Microsecond)
	k.packet(t, fromClient, layers.TCP{ACK: true, Window: 502}, nil)
	return t
}

// elapsed is the session length in whole seconds, as PAN-OS logs it.
func (k *tcpConn) elapsed() int64 { return int64(k.last.Sub(k.start) / time.Second) }

// dnsExchange writes a DNS A query and its answer (UDP) to the capture and
// returns the frame bytes (query, answer) for the TRAFFIC row.
func dnsExchange(cp *capture, t time.Time, client, server netip.AddrPort, id uint16, name string, answers []netip.Addr, ttl uint32) (uint64, uint64) {
	q := &layers.DNS{ID: id, RD: true, OpCode: layers.DNSOpCodeQuery,
		Questions: []layers.DNSQuestion{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}}
	r := &layers.DNS{ID: id, QR: true, RD: true, RA: true, OpCode: layers.DNSOpCodeQuery, ResponseCode: layers.DNSResponseCodeNoErr,
		Questions: q.Questions}
	for _, a := range answers {
		r.Answers = append(r.Answers, layers.DNSResourceRecord{Name: []byte(name), Type: layers.DNSTypeA,
			Class: layers.DNSClassIN, TTL: ttl, IP: net.IP(a.AsSlice())})
	}
	qb := udpFrame(client, server, uint16(id^0x5a5a), 64, q)
	rb := udpFrame(server, client, uint16(id^0xa5a5), 63, r)
	cp.add(t, qb)
	cp.add(t.Add(3400*time.Microsecond), rb)
	return uint64(len(qb)), uint64(len(rb))
}

func udpFrame(from, to netip.AddrPort, ipid uint16, ttl uint8, payload gopacket.SerializableLayer) []byte {
	fromMAC, toMAC := hostMAC(from.Addr()), gatewayMAC
	if !from.Addr().IsPrivate() || from.Port() == 53 {
		fromMAC, toMAC = gatewayMAC, hostMAC(to.Addr())
	}
	eth, ip := ipHeader(from.Addr(), to.Addr(), layers.IPProtocolUDP, ipid, ttl, fromMAC, toMAC)
	udp := &layers.UDP{SrcPort: layers.UDPPort(from.Port()), DstPort: layers.UDPPort(to.Port())}
	_ = udp.SetNetworkLayerForChecksum(ip)
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, serializeOpts, eth, ip, udp, payload); err != nil {
		panic(fmt.Sprintf("mkdemo: serialising a UDP datagram: %v", err))
	}
	return buf.Bytes()
}

// pcapFile encodes frames as classic libpcap (microseconds, Ethernet).
func pcapFile(frames []frame) []byte {
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if err := w.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
		panic(err)
	}
	for _, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: f.t, CaptureLength: len(f.data), Length: len(f.data)}
		if err := w.WritePacket(ci, f.data); err != nil {
			panic(err)
		}
	}
	return b.Bytes()
}

// pcapngFile encodes frames as pcapng with fixed section and interface
// options (gopacket's defaults name the build machine's OS and CPU, which
// would make the file differ between machines).
func pcapngFile(frames []frame, iface, comment string) []byte {
	var b bytes.Buffer
	intf := pcapgo.NgInterface{Name: iface, Description: comment, OS: "Linux", LinkType: layers.LinkTypeEthernet,
		TimestampResolution: 9, SnapLength: 262144}
	opts := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Hardware: "x86_64", OS: "Linux",
		Application: "minertriage mkdemo", Comment: comment}}
	w, err := pcapgo.NewNgWriterInterface(&b, intf, opts)
	if err != nil {
		panic(err)
	}
	for _, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: f.t, CaptureLength: len(f.data), Length: len(f.data)}
		if err := w.WritePacket(ci, f.data); err != nil {
			panic(err)
		}
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// gzipped compresses data with a fixed header (no time stamp), so the
// output depends on the input only.
func gzipped(data []byte, name string) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Name = name
	zw.OS = 3 // Unix, whatever the build machine
	_, _ = zw.Write(data)
	_ = zw.Close()
	return b.Bytes()
}
