package main

import (
	"net/netip"
	"sort"
	"strings"
	"time"
)

// demoCase accumulates one generated case: the firewall's sessions and log
// rows, the capture files and the alert notes the README is written from.
type demoCase struct {
	r        *prng
	sessions []*session
	threats  []*threatRow
	traffic  []*trafficRow
	files    map[string][]byte
	// nextPort gives each client address increasing ephemeral ports, as
	// Linux and Windows hand them out.
	nextPort map[netip.Addr]uint16
}

func newCase(seed uint64) *demoCase {
	return &demoCase{r: newPRNG(seed), files: map[string][]byte{}, nextPort: map[netip.Addr]uint16{}}
}

// port returns the next ephemeral port for a client: Linux hosts draw from
// 32768–60999, Windows hosts from 49152–65535 (windows set).
func (c *demoCase) port(a netip.Addr, windows bool) uint16 {
	p, ok := c.nextPort[a]
	switch {
	case !ok && windows:
		p = uint16(c.r.between(49700, 52000))
	case !ok:
		p = uint16(c.r.between(33000, 58000))
	default:
		p += uint16(c.r.between(1, 9))
	}
	c.nextPort[a] = p
	return p
}

// zoneOf maps an address to the firewall zone and interface it sits behind.
func zoneOf(a netip.Addr) (zone, iface, loc string) {
	switch {
	case netip.MustParsePrefix("10.20.30.0/24").Contains(a):
		return "DMZ-Web", "ethernet1/3", "10.0.0.0-10.255.255.255"
	case netip.MustParsePrefix("10.20.31.0/24").Contains(a), netip.MustParsePrefix("10.20.40.0/24").Contains(a):
		return "Users", "ethernet1/4", "10.0.0.0-10.255.255.255"
	case netip.MustParsePrefix("10.20.0.0/16").Contains(a):
		return "Servers", "ethernet1/5", "10.0.0.0-10.255.255.255"
	case netip.MustParsePrefix("10.60.0.0/16").Contains(a):
		return "Research", "ethernet1/6", "10.0.0.0-10.255.255.255"
	case a.IsPrivate():
		return "Users", "ethernet1/4", "10.0.0.0-10.255.255.255"
	case a == egressNAT || a == webVIP:
		return "Internet", "ethernet1/1", "Germany"
	}
	return "Internet", "ethernet1/1", countries[a]
}

// countries is where the firewall's GeoIP places the public addresses.
var countries = map[netip.Addr]string{}

// newSession opens a session record between client and server; outbound
// sessions to the Internet are source-NATed to the egress address.
func (c *demoCase) newSession(start time.Time, client, server netip.AddrPort, proto, app, rule, user string) *session {
	s := &session{start: start, src: client, dst: server, proto: proto, app: app, rule: rule, srcUser: user}
	s.srcZone, s.inIf, s.srcLoc = zoneOf(client.Addr())
	s.dstZone, s.outIf, s.dstLoc = zoneOf(server.Addr())
	if s.dstZone == "Internet" && s.srcZone != "Internet" {
		s.natSrc = netip.AddrPortFrom(egressNAT, uint16(c.r.between(1025, 64000)))
		s.natDst = server
	}
	c.sessions = append(c.sessions, s)
	return s
}

// trafficFromConn logs the end of a simulated TCP session.
func (c *demoCase) trafficFromConn(s *session, k *tcpConn, action, reason string) *trafficRow {
	row := &trafficRow{s: s, end: k.last.Add(c.r.dur(200*time.Millisecond, 900*time.Millisecond)), subtype: "end",
		action: action, endReason: reason, bytesSent: k.bytesC, bytesRecv: k.bytesS,
		pktsSent: k.pktsC, pktsRecv: k.pktsS, elapsed: k.elapsed()}
	c.traffic = append(c.traffic, row)
	return row
}

// threat logs a detection in session s at time t.
func (c *demoCase) threat(s *session, t time.Time, scenario, subtype, name, severity, category, action string) *threatRow {
	row := &threatRow{s: s, gen: t, subtype: subtype, threat: name, severity: severity, thrCategory: category,
		action: action, scenario: scenario}
	c.threats = append(c.threats, row)
	return row
}

// finish assigns session ids in start order and sequence numbers in log
// order, as the firewall would have, and renders the two logs.
func (c *demoCase) finish() {
	sort.SliceStable(c.sessions, func(i, j int) bool { return c.sessions[i].start.Before(c.sessions[j].start) })
	id := uint64(1204117)
	var prev time.Time
	for _, s := range c.sessions {
		if !prev.IsZero() {
			// The firewall opens ~40 sessions a second for the rest of
			// the company between two of ours.
			id += uint64(s.start.Sub(prev)/time.Second)*40 + uint64(c.r.between(1, 30))
		}
		s.id, prev = id, s.start
	}
	sort.SliceStable(c.threats, func(i, j int) bool { return c.threats[i].gen.Before(c.threats[j].gen) })
	sort.SliceStable(c.traffic, func(i, j int) bool { return c.traffic[i].end.Before(c.traffic[j].end) })
	seq := uint64(7601441302587213000)
	for _, t := range c.threats {
		seq += uint64(c.r.between(3, 400))
		t.seq = seq
	}
	seq = uint64(7601441302591104000)
	for _, t := range c.traffic {
		seq += uint64(c.r.between(50, 4000))
		t.seq = seq
	}
	var tl, fl strings.Builder
	for i, t := range c.threats {
		tl.WriteString(syslogPrefix(i, t.gen) + csvLine(t.fields(), nil) + "\n")
	}
	for i, t := range c.traffic {
		fl.WriteString(syslogPrefix(i, t.end) + csvLine(t.fields(), nil) + "\n")
	}
	c.files["threat.log"] = []byte(tl.String())
	c.files["traffic.log"] = []byte(fl.String())
}
