package store

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"net/netip"
	"strconv"
	"time"

	"github.com/minertriage/minertriage/investigate/flow"
)

// Address encoding in keys: a tag byte then the bytes, so IPv4 pairs cost 9
// bytes instead of 33 (flows are the bulk of a store and bbolt holds a whole
// import's keys in memory until commit). The tag keeps variable-length
// prefixes unambiguous and every key of one pair contiguous.
const (
	tagV4 = 4
	tagV6 = 6
)

// canon normalises an address for keys: IPv4-mapped IPv6 becomes IPv4 and
// zones are dropped, so the same host always gets the same key.
func canon(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }

// appendAddr appends one tagged address.
func appendAddr(dst []byte, a netip.Addr) []byte {
	a = canon(a)
	if a.Is4() {
		b := a.As4()
		return append(append(dst, tagV4), b[:]...)
	}
	b := a.As16()
	return append(append(dst, tagV6), b[:]...)
}

// readAddr decodes a tagged address and returns it with the bytes consumed
// (0 when k is malformed).
func readAddr(k []byte) (netip.Addr, int) {
	if len(k) >= 5 && k[0] == tagV4 {
		return netip.AddrFrom4([4]byte(k[1:5])), 5
	}
	if len(k) >= 17 && k[0] == tagV6 {
		return netip.AddrFrom16([16]byte(k[1:17])).Unmap(), 17
	}
	return netip.Addr{}, 0
}

// appendPair appends the canonical key of the unordered pair {a, b}: the
// smaller address first, both IPv4 (9 bytes) or both 16-byte (33 bytes).
func appendPair(dst []byte, a, b netip.Addr) []byte {
	a, b = canon(a), canon(b)
	if b.Less(a) {
		a, b = b, a
	}
	if a.Is4() && b.Is4() {
		x, y := a.As4(), b.As4()
		dst = append(dst, tagV4)
		dst = append(dst, x[:]...)
		return append(dst, y[:]...)
	}
	x, y := a.As16(), b.As16()
	// Order by the 16-byte form so mixed pairs are canonical too.
	if bytes.Compare(x[:], y[:]) > 0 {
		x, y = y, x
	}
	dst = append(dst, tagV6)
	dst = append(dst, x[:]...)
	return append(dst, y[:]...)
}

// pairLen is the length of the pair key starting k, or 0.
func pairLen(k []byte) int {
	switch {
	case len(k) >= 9 && k[0] == tagV4:
		return 9
	case len(k) >= 33 && k[0] == tagV6:
		return 33
	}
	return 0
}

// pairAddrs decodes a pair key.
func pairAddrs(k []byte) (lo, hi netip.Addr) {
	if k[0] == tagV4 {
		return netip.AddrFrom4([4]byte(k[1:5])), netip.AddrFrom4([4]byte(k[5:9]))
	}
	return netip.AddrFrom16([16]byte(k[1:17])).Unmap(), netip.AddrFrom16([16]byte(k[17:33])).Unmap()
}

// timeKey maps a time to a uint64 that sorts like the time. The zero time
// maps to 0; every other time to its Unix nanoseconds with the sign bit
// flipped.
func timeKey(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixNano()) ^ (1 << 63)
}

// keyTime inverts timeKey; times come back in UTC.
func keyTime(u uint64) time.Time {
	if u == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(u^(1<<63))).UTC()
}

func appendU64(dst []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(dst, v) }

// flowIdentity is the 64-bit hash of what makes a flow the same record when
// it is imported again: the PAN-OS serial + session id + log type where
// present, else the 5-tuple and start time.
func flowIdentity(f *flow.Flow) uint64 {
	if f.Serial != "" && f.SessionID != 0 {
		return sessionIdentity(f.Serial, f.SessionID)
	}
	h := fnv.New64a()
	var b [64]byte
	buf := append(b[:0], "5t\x00"...)
	buf = append(buf, f.Proto...)
	buf = append(buf, 0)
	buf = appendAddr(buf, f.Src)
	buf = binary.BigEndian.AppendUint16(buf, f.SrcPort)
	buf = appendAddr(buf, f.Dst)
	buf = binary.BigEndian.AppendUint16(buf, f.DstPort)
	buf = appendU64(buf, timeKey(f.Start))
	h.Write(buf)
	return h.Sum64()
}

// sessionIdentity hashes a PAN-OS session (serial + session id + "traffic");
// an alert with the same serial and session id finds its TRAFFIC rows by it.
func sessionIdentity(serial string, sid uint64) uint64 {
	h := fnv.New64a()
	var b [64]byte
	buf := append(b[:0], "pan\x00"...)
	buf = append(buf, serial...)
	buf = append(buf, 0)
	buf = strconv.AppendUint(buf, sid, 10)
	buf = append(buf, "\x00traffic"...)
	h.Write(buf)
	return h.Sum64()
}

// flowKey is pair + start + identity: all flows of one pair in a time range
// are one cursor range scan, in start order.
func appendFlowKey(dst []byte, f *flow.Flow, id uint64) []byte {
	dst = appendPair(dst, f.Src, f.Dst)
	dst = appendU64(dst, timeKey(f.Start))
	return appendU64(dst, id)
}

// appendIDKey appends a length-prefixed string so that one alert's keys
// (decisions) form one prefix that no other alert id can extend.
func appendIDKey(dst []byte, id string) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(id)))
	return append(dst, id...)
}
