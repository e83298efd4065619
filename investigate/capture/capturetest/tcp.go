package capturetest

import (
	"encoding/binary"
	"net/netip"

	"github.com/google/gopacket/layers"
)

// Conn is one TCP connection being written into a Builder.
type Conn struct {
	b              *Builder
	Client, Server netip.AddrPort
	isn            [2]uint32 // initial sequence numbers: [0] client, [1] server
	sent           [2]uint32 // payload bytes sent so far per side
}

// TCP starts a connection between client and server ("ip:port"). Nothing
// is written until Handshake or Send.
func (b *Builder) TCP(client, server string) *Conn {
	return &Conn{b: b, Client: Addr(client), Server: Addr(server), isn: [2]uint32{1000, 5000}}
}

// ISN sets the initial sequence numbers (to test wrap-around).
func (c *Conn) ISN(client, server uint32) *Conn { c.isn = [2]uint32{client, server}; return c }

func (c *Conn) ends(fromClient bool) (netip.AddrPort, netip.AddrPort, int) {
	if fromClient {
		return c.Client, c.Server, 0
	}
	return c.Server, c.Client, 1
}

// segment writes one TCP segment; seq and ack are absolute.
func (c *Conn) segment(fromClient bool, flags string, seq, ack uint32, payload []byte) int {
	src, dst, _ := c.ends(fromClient)
	t := &layers.TCP{Seq: seq, Ack: ack, Window: 65535, DataOffset: 5}
	for _, f := range flags {
		switch f {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK = true
		case 'F':
			t.FIN = true
		case 'P':
			t.PSH = true
		case 'R':
			t.RST = true
		}
	}
	return c.b.Add(IPPacket(src, dst, t, payload))
}

// Handshake writes SYN, SYN-ACK, ACK.
func (c *Conn) Handshake() *Conn {
	c.segment(true, "S", c.isn[0], 0, nil)
	c.segment(false, "SA", c.isn[1], c.isn[0]+1, nil)
	c.segment(true, "A", c.isn[0]+1, c.isn[1]+1, nil)
	return c
}

// Seq is the sequence number of byte offset off of one side's stream.
func (c *Conn) Seq(fromClient bool, off int) uint32 {
	_, _, i := c.ends(fromClient)
	return c.isn[i] + 1 + uint32(off)
}

// ackFor is the other side's next expected byte, what a data segment acks.
func (c *Conn) ackFor(fromClient bool) uint32 {
	_, _, i := c.ends(fromClient)
	return c.isn[1-i] + 1 + c.sent[1-i]
}

// Send writes payload as the next bytes of one side, in segments of at
// most mss bytes (0 = one segment). It returns the frame of the last one.
func (c *Conn) Send(fromClient bool, payload []byte, mss int) int {
	_, _, i := c.ends(fromClient)
	frame := 0
	for len(payload) > 0 || frame == 0 {
		n := len(payload)
		if mss > 0 && n > mss {
			n = mss
		}
		frame = c.segment(fromClient, "PA", c.Seq(fromClient, int(c.sent[i])), c.ackFor(fromClient), payload[:n])
		c.sent[i] += uint32(n)
		payload = payload[n:]
		if n == 0 {
			break
		}
	}
	return frame
}

// SendAt writes payload at byte offset off of one side's stream without
// advancing it: for retransmissions, overlaps and out-of-order segments.
func (c *Conn) SendAt(fromClient bool, off int, payload []byte) int {
	return c.segment(fromClient, "PA", c.Seq(fromClient, off), c.ackFor(fromClient), payload)
}

// Skip advances one side's stream by n bytes without writing them (bytes
// the capture missed, or sent later with SendAt).
func (c *Conn) Skip(fromClient bool, n int) {
	_, _, i := c.ends(fromClient)
	c.sent[i] += uint32(n)
}

// Close writes FIN-ACK from both sides.
func (c *Conn) Close() {
	c.segment(true, "FA", c.Seq(true, int(c.sent[0])), c.ackFor(true), nil)
	c.segment(false, "FA", c.Seq(false, int(c.sent[1])), c.ackFor(false)+1, nil)
}

// Swap exchanges two frames (1-based) to make out-of-order captures.
func (b *Builder) Swap(i, j int) {
	b.Packets[i-1], b.Packets[j-1] = b.Packets[j-1], b.Packets[i-1]
}

// ClientHello returns a TLS record holding a minimal ClientHello with the
// server_name extension set to sni.
func ClientHello(sni string) []byte {
	name := []byte(sni)
	sniExt := binary.BigEndian.AppendUint16(nil, uint16(len(name)+3))
	sniExt = append(sniExt, 0)
	sniExt = binary.BigEndian.AppendUint16(sniExt, uint16(len(name)))
	sniExt = append(sniExt, name...)
	exts := binary.BigEndian.AppendUint16(nil, 0) // server_name
	exts = binary.BigEndian.AppendUint16(exts, uint16(len(sniExt)))
	exts = append(exts, sniExt...)
	body := []byte{0x03, 0x03}
	body = append(body, make([]byte, 32)...) // random
	body = append(body, 0)                   // session id
	body = append(body, 0, 4, 0x13, 0x01, 0x13, 0x02)
	body = append(body, 1, 0) // compression: null
	body = binary.BigEndian.AppendUint16(body, uint16(len(exts)))
	body = append(body, exts...)
	hs := []byte{1, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	hs = append(hs, body...)
	rec := []byte{0x16, 0x03, 0x01}
	rec = binary.BigEndian.AppendUint16(rec, uint16(len(hs)))
	return append(rec, hs...)
}
