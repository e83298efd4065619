package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// PAN-OS syslog lines in the 11.x field order (formats.md §1.1–§1.3): a
// THREAT line has 121 fields and a TRAFFIC line 115, the counts of real
// 2026 firewall lines (§1.6 #1, #2), with the constant fields those lines
// carry.
const (
	threatFieldCount  = 121
	trafficFieldCount = 115
	firewallSerial    = "013201000123"
	firewallName      = "PA-3220-EDGE"
	configVersion     = "2817"
	contentVersion    = "AppThreat-9112-10071"
	logProfile        = "Forward-to-SIEM"
)

// session is one firewall session; both log types refer to it.
type session struct {
	start            time.Time
	id               uint64 // assigned in start order by finish
	src, dst         netip.AddrPort
	natSrc, natDst   netip.AddrPort // zero when not translated
	proto, app, rule string
	srcUser          string
	srcZone, dstZone string
	inIf, outIf      string
	srcLoc, dstLoc   string
}

// threatRow is one THREAT log line.
type threatRow struct {
	s                                   *session
	gen                                 time.Time
	subtype, threat, severity           string
	thrCategory, action, url, useragent string
	seq                                 uint64
	scenario                            string // README label
	quote                               bool   // quote every text field (hostile fixture)
}

// trafficRow is one TRAFFIC log line, written when the session ended.
type trafficRow struct {
	s                          *session
	end                        time.Time
	subtype, action, endReason string
	bytesSent, bytesRecv       uint64
	pktsSent, pktsRecv         uint64
	elapsed                    int64
	seq                        uint64
}

// appMeta is the App-ID metadata PAN-OS appends (subcategory, category,
// technology, risk, characteristics).
var appMeta = map[string][5]string{
	"json-rpc":       {"ip-protocol", "networking", "network-protocol", "1", "has-known-vulnerability"},
	"ssl":            {"encrypted-tunnel", "networking", "browser-based", "4", "tunnel-other-application,prone-to-misuse,pervasive-use"},
	"web-browsing":   {"internet-utility", "general-internet", "browser-based", "4", "evasive,has-known-vulnerability,transfer-files,tunnel-other-application,used-by-malware,prone-to-misuse,pervasive-use"},
	"dns":            {"infrastructure", "networking", "network-protocol", "4", "tunnel-other-application,used-by-malware,pervasive-use"},
	"ms-office365":   {"office-programs", "business-systems", "browser-based", "2", "transfer-files,pervasive-use"},
	"github-base":    {"software-development", "business-systems", "browser-based", "2", "transfer-files,pervasive-use"},
	"not-applicable": {},
}

func panTime(t time.Time) string { return t.UTC().Format("2006/01/02 15:04:05") }

func hiResTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-07:00") }

func addrOr0(ap netip.AddrPort) (string, string) {
	if !ap.IsValid() {
		return "0.0.0.0", "0"
	}
	return ap.Addr().String(), strconv.Itoa(int(ap.Port()))
}

// ruleUUID is a stable made-up UUID per rule name.
func ruleUUID(rule string) string {
	r := newPRNG(0)
	for _, c := range rule {
		r.s = r.s*131 + uint64(c)
	}
	return r.uuid()
}

// head fills the fields THREAT and TRAFFIC share (indexes 0–30).
func head(f []string, s *session, typ, subtype, action string, gen time.Time) {
	f[0], f[1], f[2], f[3], f[4], f[5], f[6] = "1", panTime(gen), firewallSerial, typ, subtype, configVersion, panTime(gen)
	f[7], f[8] = s.src.Addr().String(), s.dst.Addr().String()
	var natSport, natDport string
	f[9], natSport = addrOr0(s.natSrc)
	f[10], natDport = addrOr0(s.natDst)
	f[11], f[12], f[13], f[14], f[15] = s.rule, s.srcUser, "", s.app, "vsys1"
	f[16], f[17], f[18], f[19], f[20], f[21] = s.srcZone, s.dstZone, s.inIf, s.outIf, logProfile, panTime(gen)
	f[22], f[23] = strconv.FormatUint(s.id, 10), "1"
	f[24], f[25], f[26], f[27] = strconv.Itoa(int(s.src.Port())), strconv.Itoa(int(s.dst.Port())), natSport, natDport
	f[28], f[29], f[30] = "0x400019", s.proto, action
	if typ == "THREAT" {
		f[28] = "0x402000"
	}
}

// threatFields returns the 121 fields of a THREAT row.
func (r *threatRow) fields() []string {
	f := make([]string, threatFieldCount)
	s := r.s
	head(f, s, "THREAT", r.subtype, r.action, r.gen)
	f[31], f[32], f[33], f[34], f[35] = r.url, r.threat, "any", r.severity, "client-to-server"
	f[36], f[37], f[38], f[39] = strconv.FormatUint(r.seq, 10), "0x0", s.srcLoc, s.dstLoc
	f[42], f[45], f[46] = "0", "0", r.useragent
	for i := 53; i <= 57; i++ {
		f[i] = "0"
	}
	f[58], f[59], f[64], f[66], f[68] = "Corp", firewallName, "0", "0", "N/A"
	f[69], f[70], f[71], f[72], f[73] = r.thrCategory, contentVersion, "0x0", "0", "4294967295"
	f[76], f[77], f[106], f[107] = ruleUUID(s.rule), "0", "0", hiResTime(r.gen)
	m := appMeta[s.app]
	copy(f[111:116], m[:])
	f[117], f[118], f[119], f[120] = s.app, "no", "no", "0"
	return f
}

// fields returns the 115 fields of a TRAFFIC row.
func (r *trafficRow) fields() []string {
	f := make([]string, trafficFieldCount)
	s := r.s
	head(f, s, "TRAFFIC", r.subtype, r.action, r.end)
	f[31], f[32], f[33] = u(r.bytesSent+r.bytesRecv), u(r.bytesSent), u(r.bytesRecv)
	f[34], f[35], f[36], f[37] = u(r.pktsSent+r.pktsRecv), panTime(s.start), strconv.FormatInt(r.elapsed, 10), "any"
	f[39], f[40], f[41], f[42] = strconv.FormatUint(r.seq, 10), "0x0", s.srcLoc, s.dstLoc
	f[44], f[45], f[46] = u(r.pktsSent), u(r.pktsRecv), r.endReason
	for i := 47; i <= 50; i++ {
		f[i] = "0"
	}
	f[51], f[52], f[53], f[56], f[58], f[60] = "Corp", firewallName, "from-policy", "0", "0", "N/A"
	for i := 61; i <= 64; i++ {
		f[i] = "0"
	}
	f[65], f[66], f[67], f[102] = ruleUUID(s.rule), "0", "0", hiResTime(r.end)
	m := appMeta[s.app]
	copy(f[105:110], m[:])
	f[111], f[112], f[113], f[114] = "untunneled", "no", "no", "0"
	return f
}

func u(v uint64) string { return strconv.FormatUint(v, 10) }

// csvLine joins fields the way PAN-OS does: a field is quoted only when it
// holds a comma or a quote, or when quoteAll is set for index i.
func csvLine(f []string, quoteAll func(i int) bool) string {
	var b strings.Builder
	for i, v := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(v, ",\"") || (quoteAll != nil && quoteAll(i)) {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(v, `"`, `""`))
			b.WriteByte('"')
			continue
		}
		b.WriteString(v)
	}
	return b.String()
}

// syslogPrefix returns one of the three header forms seen in front of
// PAN-OS lines (formats.md §1.3): BSD, ISO 8601, RFC 5424.
func syslogPrefix(style int, t time.Time) string {
	t = t.UTC()
	switch style % 3 {
	case 0:
		return fmt.Sprintf("%s %2d %s %s ", t.Format("Jan"), t.Day(), t.Format("15:04:05"), firewallName)
	case 1:
		return t.Format("2006-01-02T15:04:05-07:00") + " " + firewallName + " "
	default:
		return "<14>1 " + t.Format("2006-01-02T15:04:05.000Z") + " " + firewallName + " - - - - "
	}
}
