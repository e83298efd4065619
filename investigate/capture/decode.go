package capture

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/google/gopacket/layers"
)

// linkTypeSLL2 is LINKTYPE_LINUX_SLL2 (276) as gopacket v1.1.19 delivers
// it: its LinkType is a uint8, so pcapgo truncates 276 to 20. No assigned
// link type has the number 20, so the truncated value is unambiguous.
const linkTypeSLL2 layers.LinkType = 276 & 0xff

// IP protocol numbers the decoder understands.
const (
	protoTCP = 6
	protoUDP = 17
)

// TCP flag bits.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagPSH = 0x08
	flagACK = 0x10
)

// packet is one decoded record. It is reused for every record (no
// per-packet allocation); payload aliases the reader's buffer.
type packet struct {
	frame   int
	ts      time.Time
	wireLen int

	linkLayer string // "Ethernet", "Linux SLL" …; "" when undecodable
	vlans     int
	ipv6      bool
	src, dst  netip.Addr
	proto     uint8 // IP protocol; 0 when the packet is not IP
	frag      bool  // an IPv4/IPv6 fragment: transport not decoded
	fragID    uint32
	fragOff   int  // byte offset of this fragment in the datagram
	fragMore  bool // more fragments follow
	fragData  []byte
	sport     uint16
	dport     uint16
	flags     uint8
	seq, ack  uint32
	payload   []byte
}

// decode fills p from one record of the given link type. It reports false
// when the record holds no IP packet the analysis can use.
func (p *packet) decode(link layers.LinkType, data []byte) bool {
	p.linkLayer, p.vlans, p.proto, p.frag = "", 0, 0, false
	p.sport, p.dport, p.flags, p.seq, p.ack, p.payload = 0, 0, 0, 0, 0, nil
	ip, ok := p.decodeLink(link, data)
	if !ok {
		return false
	}
	return p.decodeIP(ip)
}

// decodeLink strips the link layer and returns the IP packet.
func (p *packet) decodeLink(link layers.LinkType, data []byte) ([]byte, bool) {
	var etype uint16
	switch link {
	case layers.LinkTypeEthernet:
		if len(data) < 14 {
			return nil, false
		}
		p.linkLayer = "Ethernet"
		etype, data = binary.BigEndian.Uint16(data[12:14]), data[14:]
		for (etype == 0x8100 || etype == 0x88a8 || etype == 0x9100) && len(data) >= 4 {
			p.vlans++
			etype, data = binary.BigEndian.Uint16(data[2:4]), data[4:]
		}
	case layers.LinkTypeLinuxSLL:
		if len(data) < 16 {
			return nil, false
		}
		p.linkLayer = "Linux SLL"
		etype, data = binary.BigEndian.Uint16(data[14:16]), data[16:]
	case linkTypeSLL2:
		if len(data) < 20 {
			return nil, false
		}
		p.linkLayer = "Linux SLL2"
		etype, data = binary.BigEndian.Uint16(data[0:2]), data[20:]
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		if len(data) < 4 {
			return nil, false
		}
		p.linkLayer = "Loopback"
		fam := binary.LittleEndian.Uint32(data[:4])
		if link == layers.LinkTypeLoop || fam > 0xffff {
			fam = binary.BigEndian.Uint32(data[:4])
		}
		data = data[4:]
		switch fam {
		case 2:
			etype = 0x0800
		case 10, 24, 28, 30:
			etype = 0x86DD
		default:
			return nil, false
		}
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		p.linkLayer = "Raw"
		if len(data) == 0 {
			return nil, false
		}
		etype = 0x0800
		if data[0]>>4 == 6 {
			etype = 0x86DD
		}
	default:
		return nil, false
	}
	switch etype {
	case 0x0800:
		p.ipv6 = false
	case 0x86DD:
		p.ipv6 = true
	default:
		return nil, false
	}
	return data, true
}

// decodeIP decodes IPv4 or IPv6 (with extension headers) and the TCP or
// UDP header.
func (p *packet) decodeIP(data []byte) bool {
	var next uint8
	if !p.ipv6 {
		if len(data) < 20 || data[0]>>4 != 4 {
			return false
		}
		ihl := int(data[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(data[2:4]))
		if ihl < 20 || len(data) < ihl {
			return false
		}
		if total >= ihl && total < len(data) {
			data = data[:total] // drop Ethernet padding
		}
		p.src = netip.AddrFrom4([4]byte(data[12:16]))
		p.dst = netip.AddrFrom4([4]byte(data[16:20]))
		next = data[9]
		fragField := binary.BigEndian.Uint16(data[6:8])
		if fragField&0x3fff != 0 { // MF set or offset > 0
			p.frag, p.proto = true, next
			p.fragID = uint32(binary.BigEndian.Uint16(data[4:6]))
			p.fragOff, p.fragMore = int(fragField&0x1fff)*8, fragField&0x2000 != 0
			p.fragData = data[ihl:]
			return true
		}
		data = data[ihl:]
	} else {
		if len(data) < 40 || data[0]>>4 != 6 {
			return false
		}
		plen := int(binary.BigEndian.Uint16(data[4:6]))
		next = data[6]
		p.src = netip.AddrFrom16([16]byte(data[8:24]))
		p.dst = netip.AddrFrom16([16]byte(data[24:40]))
		data = data[40:]
		if plen > 0 && plen < len(data) {
			data = data[:plen]
		}
		var ok bool
		if next, data, ok = p.skipExtensions(next, data); !ok {
			return true
		}
	}
	p.proto = next
	return p.decodeTransport(data)
}

// skipExtensions walks IPv6 extension headers. It reports false (with
// p.frag set) for a fragment, whose transport header may be elsewhere.
func (p *packet) skipExtensions(next uint8, data []byte) (uint8, []byte, bool) {
	for i := 0; i < 16; i++ {
		switch next {
		case 0, 43, 60, 135, 139, 140: // hop-by-hop, routing, destination options, mobility, HIP, shim6
			if len(data) < 8 {
				return next, nil, false
			}
			n := (int(data[1]) + 1) * 8
			if n > len(data) {
				return next, nil, false
			}
			next, data = data[0], data[n:]
		case 51: // AH
			if len(data) < 8 {
				return next, nil, false
			}
			n := (int(data[1]) + 2) * 4
			if n > len(data) {
				return next, nil, false
			}
			next, data = data[0], data[n:]
		case 44: // fragment
			if len(data) < 8 {
				return next, nil, false
			}
			p.frag, p.proto = true, data[0]
			field := binary.BigEndian.Uint16(data[2:4])
			p.fragOff, p.fragMore = int(field&^7), field&1 != 0
			p.fragID = binary.BigEndian.Uint32(data[4:8])
			p.fragData = data[8:]
			return next, nil, false
		default:
			return next, data, true
		}
	}
	return next, nil, false
}

// decodeTransport decodes the TCP or UDP header; other protocols keep
// their payload unparsed.
func (p *packet) decodeTransport(data []byte) bool {
	switch p.proto {
	case protoTCP:
		if len(data) < 20 {
			return true
		}
		off := int(data[12]>>4) * 4
		if off < 20 || off > len(data) {
			return true
		}
		p.sport = binary.BigEndian.Uint16(data[0:2])
		p.dport = binary.BigEndian.Uint16(data[2:4])
		p.seq = binary.BigEndian.Uint32(data[4:8])
		p.ack = binary.BigEndian.Uint32(data[8:12])
		p.flags = data[13]
		p.payload = data[off:]
	case protoUDP:
		if len(data) < 8 {
			return true
		}
		p.sport = binary.BigEndian.Uint16(data[0:2])
		p.dport = binary.BigEndian.Uint16(data[2:4])
		p.payload = data[8:]
		if ulen := int(binary.BigEndian.Uint16(data[4:6])); ulen >= 8 && ulen-8 < len(p.payload) {
			p.payload = p.payload[:ulen-8]
		}
	}
	return true
}

// hasPorts reports whether the transport header was decoded.
func (p *packet) hasPorts() bool {
	return !p.frag && (p.proto == protoTCP || p.proto == protoUDP) && (p.sport != 0 || p.dport != 0)
}

// protoName is "tcp", "udp" or the protocol number's common name.
func protoName(proto uint8) string {
	switch proto {
	case protoTCP:
		return "tcp"
	case protoUDP:
		return "udp"
	case 1:
		return "icmp"
	case 58:
		return "icmpv6"
	}
	return "ip"
}

// addrPort formats "10.0.0.5:49822" or "[fd00::5]:40112".
func addrPort(a netip.Addr, port uint16) string {
	return netip.AddrPortFrom(a.Unmap(), port).String()
}

// knownLink reports whether decodeLink understands the link type.
func knownLink(lt layers.LinkType) bool {
	switch lt {
	case layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, linkTypeSLL2, layers.LinkTypeNull, layers.LinkTypeLoop,
		layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		return true
	}
	return false
}
