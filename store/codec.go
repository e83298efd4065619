package store

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// Flows and alerts are stored in a compact binary form, not JSON: a million
// flows of one import sit in memory until bbolt commits, and `list` decodes
// every alert. Each value starts with a codec version byte so the encoding
// can change with a schema migration.
const (
	flowCodecV1  = 1
	alertCodecV1 = 1
)

// errCorrupt is returned when a stored value cannot be decoded.
var errCorrupt = errors.New("store: corrupt record")

// enc appends primitive values.
type enc struct{ b []byte }

func (e *enc) u8(v byte)      { e.b = append(e.b, v) }
func (e *enc) u16(v uint16)   { e.b = binary.BigEndian.AppendUint16(e.b, v) }
func (e *enc) uv(v uint64)    { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) sv(v int64)     { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)   { e.uv(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bytes(p []byte) { e.uv(uint64(len(p))); e.b = append(e.b, p...) }
func (e *enc) time(t time.Time) {
	e.uv(timeKey(t))
}
func (e *enc) addr(a netip.Addr) {
	p, _ := a.MarshalBinary() // never fails
	e.bytes(p)
}

// dec reads what enc wrote; the first error sticks.
type dec struct {
	b      []byte
	err    error
	intern map[string]string // optional: shares repeated strings across records
}

// istr is str for fields that repeat across records (threat names, zones,
// severities): with an intern table, 100,000 alerts share a few strings
// instead of allocating a million.
func (d *dec) istr() string {
	p := d.raw()
	if d.intern == nil {
		return string(p)
	}
	if s, ok := d.intern[string(p)]; ok {
		return s
	}
	s := string(p)
	if len(d.intern) < 1<<16 {
		d.intern[s] = s
	}
	return s
}

func (d *dec) fail() { d.err = errCorrupt; d.b = nil }

func (d *dec) u8() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) u16() uint16 {
	if len(d.b) < 2 {
		d.fail()
		return 0
	}
	v := binary.BigEndian.Uint16(d.b)
	d.b = d.b[2:]
	return v
}

func (d *dec) uv() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) sv() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) raw() []byte {
	n := d.uv()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *dec) str() string { return string(d.raw()) }

func (d *dec) bytes() []byte {
	p := d.raw()
	if len(p) == 0 {
		return nil
	}
	return append([]byte(nil), p...)
}

func (d *dec) time() time.Time { return keyTime(d.uv()) }

func (d *dec) addr() netip.Addr {
	var a netip.Addr
	if err := a.UnmarshalBinary(d.raw()); err != nil {
		d.fail()
	}
	return a
}

// flowReversed is set in a flow value when Src is the larger address of the
// pair key, so direction survives the canonical (sorted) key.
const flowReversed = 1

// appendFlowValue encodes everything of f that the key does not hold; the
// repeated strings become dictionary ids.
func appendFlowValue(dst []byte, f *flow.Flow, d *dict) ([]byte, error) {
	e := enc{b: dst}
	e.u8(flowCodecV1)
	var flags byte
	if canon(f.Dst).Less(canon(f.Src)) {
		flags |= flowReversed
	}
	e.u8(flags)
	e.u16(f.SrcPort)
	e.u16(f.DstPort)
	for i, s := range []string{f.Proto, f.App, f.Action, f.EndReason, f.Serial, f.Source, f.File} {
		id, err := d.idAt(i, s)
		if err != nil {
			return nil, err
		}
		e.uv(id)
	}
	e.sv(int64(f.Duration))
	e.uv(f.BytesSent)
	e.uv(f.BytesReceived)
	e.uv(f.PacketsSent)
	e.uv(f.PacketsReceived)
	e.uv(f.SessionID)
	e.str(f.UID)
	e.uv(uint64(f.Line))
	return e.b, nil
}

// decodeFlow rebuilds a flow from its key and value.
func decodeFlow(k, v []byte, f *flow.Flow, dt *dict) error {
	n := pairLen(k)
	if n == 0 || len(k) != n+16 {
		return errCorrupt
	}
	lo, hi := pairAddrs(k[:n])
	d := dec{b: v}
	if d.u8() != flowCodecV1 {
		return errCorrupt
	}
	flags := d.u8()
	*f = flow.Flow{Src: lo, Dst: hi}
	if flags&flowReversed != 0 {
		f.Src, f.Dst = hi, lo
	}
	f.Start = keyTime(binary.BigEndian.Uint64(k[n:]))
	f.SrcPort = d.u16()
	f.DstPort = d.u16()
	for _, p := range []*string{&f.Proto, &f.App, &f.Action, &f.EndReason, &f.Serial, &f.Source, &f.File} {
		s, ok := dt.name(d.uv())
		if !ok {
			d.fail()
		}
		*p = s
	}
	f.Duration = time.Duration(d.sv())
	f.BytesSent = d.uv()
	f.BytesReceived = d.uv()
	f.PacketsSent = d.uv()
	f.PacketsReceived = d.uv()
	f.SessionID = d.uv()
	f.UID = d.str()
	f.Line = int(d.uv())
	return d.err
}

// appendAlertValue encodes a whole alert.
func appendAlertValue(dst []byte, a *alert.Alert) []byte {
	e := enc{b: dst}
	e.u8(alertCodecV1)
	e.str(a.ID)
	e.str(a.Source)
	e.time(a.Time)
	e.addr(a.Src)
	e.addr(a.Dst)
	e.u16(a.SrcPort)
	e.u16(a.DstPort)
	e.str(a.Proto)
	e.addr(a.NATSrc)
	e.addr(a.NATDst)
	e.u16(a.NATSrcPort)
	e.u16(a.NATDstPort)
	for _, s := range []string{a.App, a.Threat} {
		e.str(s)
	}
	e.sv(a.ThreatID)
	for _, s := range []string{a.Category, a.Subtype, a.Severity, a.Action, a.Direction,
		a.URL, a.Rule, a.SrcUser, a.SrcZone, a.DstZone, a.Device, a.Serial} {
		e.str(s)
	}
	e.uv(a.SessionID)
	e.uv(a.Sequence)
	e.sv(int64(a.Repeat))
	for _, s := range []string{a.PCAPID, a.SrcLoc, a.DstLoc} {
		e.str(s)
	}
	e.bytes(a.Payload)
	e.str(a.File)
	e.sv(int64(a.Line))
	return e.b
}

// decodeAlert inverts appendAlertValue; intern may be nil.
func decodeAlert(v []byte, a *alert.Alert, intern map[string]string) error {
	d := dec{b: v, intern: intern}
	if d.u8() != alertCodecV1 {
		return errCorrupt
	}
	*a = alert.Alert{}
	a.ID = d.str()
	a.Source = d.istr()
	a.Time = d.time()
	a.Src = d.addr()
	a.Dst = d.addr()
	a.SrcPort = d.u16()
	a.DstPort = d.u16()
	a.Proto = d.istr()
	a.NATSrc = d.addr()
	a.NATDst = d.addr()
	a.NATSrcPort = d.u16()
	a.NATDstPort = d.u16()
	a.App = d.istr()
	a.Threat = d.istr()
	a.ThreatID = d.sv()
	for _, p := range []*string{&a.Category, &a.Subtype, &a.Severity, &a.Action, &a.Direction,
		&a.URL, &a.Rule, &a.SrcUser, &a.SrcZone, &a.DstZone, &a.Device, &a.Serial} {
		*p = d.istr()
	}
	a.SessionID = d.uv()
	a.Sequence = d.uv()
	a.Repeat = int(d.sv())
	for _, p := range []*string{&a.PCAPID, &a.SrcLoc, &a.DstLoc} {
		*p = d.istr()
	}
	a.Payload = d.bytes()
	a.File = d.istr()
	a.Line = int(d.sv())
	return d.err
}
