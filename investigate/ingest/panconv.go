package ingest

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// panConverter turns panFields into alerts and flows; it is shared by the
// syslog and the web-UI export parsers.
type panConverter struct {
	file   string
	o      out
	in     interner
	source string // Alert.Source: "panos-threat" or "panos-threat-csv"
}

// zoneOf picks the zone Generated Time is read in (see panos.go).
func (c *panConverter) zoneOf(r *panFields) *time.Location {
	if r.hiRes != "" {
		if body, off, err := splitZone(r.hiRes); err == nil && len(body) != len(r.hiRes) {
			return zoneFor(off)
		}
	}
	return r.zone
}

// when is the record's generated time (receive time when absent).
func (c *panConverter) when(r *panFields, loc *time.Location) (time.Time, error) {
	s := r.genTime
	if s == "" {
		s = r.recvTime
	}
	t, err := parseLocalTime(s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("generated time %s is not a time (want 2006/01/02 15:04:05)", snippet([]byte(s)))
	}
	return t, nil
}

// endpoints parses the addresses and ports both log types carry.
type endpoints struct {
	src, dst, natSrc, natDst       netip.Addr
	sport, dport, natSport, natDpt uint16
	session                        uint64
}

func (c *panConverter) endpoints(r *panFields) (endpoints, error) {
	var e endpoints
	var err error
	if e.src, err = parseAddr(r.src); err != nil {
		return e, fmt.Errorf("source address %s is not an IP address", snippet([]byte(r.src)))
	}
	if e.dst, err = parseAddr(r.dst); err != nil {
		return e, fmt.Errorf("destination address %s is not an IP address", snippet([]byte(r.dst)))
	}
	if e.natSrc, err = parseOptAddr(r.natSrc); err != nil {
		return e, fmt.Errorf("NAT source address %s is not an IP address", snippet([]byte(r.natSrc)))
	}
	if e.natDst, err = parseOptAddr(r.natDst); err != nil {
		return e, fmt.Errorf("NAT destination address %s is not an IP address", snippet([]byte(r.natDst)))
	}
	// One call per port rather than a loop over pointers into e, which
	// would move e to the heap on every line.
	if e.sport, err = parsePort(r.sport); err != nil {
		return e, badPort("source port", r.sport)
	}
	if e.dport, err = parsePort(r.dport); err != nil {
		return e, badPort("destination port", r.dport)
	}
	if e.natSport, err = parsePort(r.natSport); err != nil {
		return e, badPort("NAT source port", r.natSport)
	}
	if e.natDpt, err = parsePort(r.natDport); err != nil {
		return e, badPort("NAT destination port", r.natDport)
	}
	if e.session, err = parseUint(r.session); err != nil {
		return e, fmt.Errorf("session id %s is not a number", snippet([]byte(r.session)))
	}
	return e, nil
}

func badPort(name, v string) error {
	return fmt.Errorf("%s %s is not a port number", name, snippet([]byte(v)))
}

// unspecified maps PAN-OS "0.0.0.0" (no NAT) to the zero address.
func unspecified(a netip.Addr) netip.Addr {
	if a.IsValid() && a.IsUnspecified() {
		return netip.Addr{}
	}
	return a
}

// threat converts a THREAT record into an alert.
func (c *panConverter) threat(r *panFields, line int) error {
	e, err := c.endpoints(r)
	if err != nil {
		return err
	}
	t, err := c.when(r, c.zoneOf(r))
	if err != nil {
		return err
	}
	seq, err := parseUint(r.seq)
	if err != nil {
		return fmt.Errorf("sequence number %s is not a number", snippet([]byte(r.seq)))
	}
	repeat, err := parseUint(r.repeat)
	if err != nil || repeat > 1<<31 {
		return fmt.Errorf("repeat count %s is not a number", snippet([]byte(r.repeat)))
	}
	name, id := splitThreat(r.threat)
	if id == 0 && r.threatNum != "" {
		if n, err := parseUint(r.threatNum); err == nil && n < 1<<62 {
			id = int64(n)
		}
	}
	a := &alert.Alert{
		Source: c.source, Time: t,
		Src: e.src, Dst: e.dst, SrcPort: e.sport, DstPort: e.dport, Proto: protoName(r.proto, &c.in),
		NATSrc: unspecified(e.natSrc), NATDst: unspecified(e.natDst), NATSrcPort: e.natSport, NATDstPort: e.natDpt,
		App: c.in.get(r.app), Threat: own(name), ThreatID: id, Category: c.in.get(r.thrCategory),
		Subtype: c.in.get(r.subtype), Severity: c.in.get(r.severity), Action: c.in.get(r.action),
		Direction: c.in.get(r.direction), URL: own(r.url), Rule: c.in.get(r.rule), SrcUser: c.in.get(r.srcUser),
		SrcZone: c.in.get(r.srcZone), DstZone: c.in.get(r.dstZone), Device: c.in.get(r.device),
		Serial: c.in.get(r.serial), SessionID: e.session, Sequence: seq, Repeat: int(repeat),
		PCAPID: c.in.get(r.pcapID), SrcLoc: c.in.get(r.srcLoc), DstLoc: c.in.get(r.dstLoc),
		File: c.file, Line: line,
	}
	a.ID = panAlertID(a)
	return c.o.alert(a)
}

// panAlertID is stable across re-imports and across the syslog and export
// forms of the same log: serial, session id and sequence number identify a
// PAN-OS log entry. Without a sequence number (rare exports) the threat id
// and time keep two threats of one session apart.
func panAlertID(a *alert.Alert) string {
	b := make([]byte, 0, 64)
	b = append(b, "pan-"...)
	b = appendSafe(b, a.Serial)
	b = append(b, '-')
	b = strconv.AppendUint(b, a.SessionID, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, a.Sequence, 10)
	if a.Sequence == 0 {
		b = append(b, '-')
		b = strconv.AppendInt(b, a.ThreatID, 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, a.Time.Unix(), 10)
	}
	return string(b)
}

// appendSafe appends the [A-Za-z0-9-] bytes of s: IDs end up in keys,
// file names and command lines.
func appendSafe(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
		}
	}
	return b
}

// traffic converts a TRAFFIC record into a flow.
func (c *panConverter) traffic(r *panFields, line int) error {
	e, err := c.endpoints(r)
	if err != nil {
		return err
	}
	loc := c.zoneOf(r)
	counts := []struct {
		s    string
		name string
		v    uint64
	}{{s: r.bytesSent, name: "bytes sent"}, {s: r.bytesRecv, name: "bytes received"},
		{s: r.pktsSent, name: "packets sent"}, {s: r.pktsRecv, name: "packets received"},
		{s: r.elapsed, name: "elapsed time"}}
	for i := range counts {
		if counts[i].v, err = parseUint(counts[i].s); err != nil {
			return fmt.Errorf("%s %s is not a number", counts[i].name, snippet([]byte(counts[i].s)))
		}
	}
	elapsed := time.Duration(counts[4].v) * time.Second
	var start time.Time
	_, numeric := parseUint(r.start)
	if r.start != "" && numeric != nil {
		if start, err = parseLocalTime(r.start, loc); err != nil {
			return fmt.Errorf("start time %s is not a time (want 2006/01/02 15:04:05)", snippet([]byte(r.start)))
		}
	} else {
		// No start time (some exports), or a bare number where PAN-OS 7
		// lines have been seen to carry one (formats.md §1.6 #10): the
		// session ended when it was logged.
		end, err := c.when(r, loc)
		if err != nil {
			return err
		}
		start = end.Add(-elapsed)
	}
	f := &flow.Flow{
		Src: e.src, Dst: e.dst, SrcPort: e.sport, DstPort: e.dport, Proto: protoName(r.proto, &c.in),
		Start: start, Duration: elapsed,
		BytesSent: counts[0].v, BytesReceived: counts[1].v, PacketsSent: counts[2].v, PacketsReceived: counts[3].v,
		App: c.in.get(r.app), Action: c.in.get(r.action), EndReason: c.in.get(r.endReason),
		SessionID: e.session, Serial: c.in.get(r.serial), Source: "panos-traffic",
		File: c.file, Line: line,
	}
	return c.o.flow(f)
}
