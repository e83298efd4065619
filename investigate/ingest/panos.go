package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// PAN-OS syslog logs: THREAT and TRAFFIC lines in the documented CSV field
// order (formats.md §1.1–§1.3), parsed by index so that every release from
// 6.x (≈45 fields) to 11.x (≈123) works: fields are only appended.
//
// Time zone. Generated Time ("2026/05/20 13:36:16") is the firewall's
// local time with no zone. It is read in the zone of, first, the line's
// High Resolution Timestamp (10.x+, "2026-05-20T13:36:17.674+07:00"),
// then the syslog header's timestamp when it carries an offset (ISO 8601
// and RFC 5424 headers), and otherwise it is taken as UTC. Times are
// stored in UTC.

// Indexes into a PAN-OS THREAT line (0-based).
const (
	panSerial      = 2
	panType        = 3
	panSubtype     = 4
	panGenTime     = 6
	panSrc         = 7
	panDst         = 8
	panNATSrc      = 9
	panNATDst      = 10
	panRule        = 11
	panSrcUser     = 12
	panApp         = 14
	panSrcZone     = 16
	panDstZone     = 17
	panSession     = 22
	panRepeat      = 23
	panSport       = 24
	panDport       = 25
	panNATSport    = 26
	panNATDport    = 27
	panProto       = 29
	panAction      = 30
	thrURL         = 31
	thrThreatID    = 32
	thrSeverity    = 34
	thrDirection   = 35
	thrSeq         = 36
	thrSrcLoc      = 38
	thrDstLoc      = 39
	thrPCAPID      = 42
	thrDevice      = 59
	thrCategory    = 69
	thrHiRes       = 107
	thrMinFields   = thrThreatID + 1
	trfBytes       = 31
	trfBytesSent   = 32
	trfBytesRecv   = 33
	trfPackets     = 34
	trfStart       = 35
	trfElapsed     = 36
	trfSeq         = 39
	trfPktsSent    = 44
	trfPktsRecv    = 45
	trfEndReason   = 46
	trfDevice      = 52
	trfHiRes       = 102
	trfMinFields   = trfElapsed + 1
	panRecvTime    = 1
	panMinAnyField = panType + 1
)

// panFields is one PAN-OS record by name, filled from a syslog line by
// index or from a web-UI export row by column name, so both forms share
// one conversion into Alert and Flow.
type panFields struct {
	serial, typ, subtype, recvTime, genTime, src, dst, natSrc, natDst string
	rule, srcUser, app, srcZone, dstZone, session, repeat             string
	sport, dport, natSport, natDport, proto, action                   string
	url, threat, threatNum, severity, direction, seq, srcLoc, dstLoc  string
	pcapID, device, thrCategory, hiRes                                string
	bytes, bytesSent, bytesRecv, packets, start, elapsed              string
	pktsSent, pktsRecv, endReason                                     string
	zone                                                              *time.Location // from the syslog header, nil if none
}

// panSyslogParser parses PAN-OS syslog files (any mix of log types).
type panSyslogParser struct {
	conv panConverter
	sp   *csvSplitter
}

func newPANSyslogParser(file string, o out) *panSyslogParser {
	return &panSyslogParser{conv: panConverter{file: file, o: o, source: "panos-threat"}, sp: newCSVSplitter(0)}
}

func (p *panSyslogParser) finish() error { return nil }

func (p *panSyslogParser) line(b []byte, no int) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	prefix, body := splitSyslog(b)
	f, err := p.sp.split(body)
	if err != nil {
		return fmt.Errorf("unreadable CSV: %v", err)
	}
	if len(f) < panMinAnyField {
		return fmt.Errorf("not a PAN-OS log line: %d comma-separated fields", len(f))
	}
	var r panFields
	r.zone = prefixZone(prefix)
	r.typ = f[panType]
	switch r.typ {
	case "THREAT":
		if len(f) < thrMinFields {
			return fmt.Errorf("THREAT line has %d fields, at least %d expected (up to Threat ID)", len(f), thrMinFields)
		}
		threatFields(&r, f)
		return p.conv.threat(&r, no)
	case "TRAFFIC":
		if len(f) < trfMinFields {
			return fmt.Errorf("TRAFFIC line has %d fields, at least %d expected (up to Elapsed Time)", len(f), trfMinFields)
		}
		trafficFields(&r, f)
		return p.conv.traffic(&r, no)
	}
	if panLogTypes[r.typ] {
		p.conv.o.skip()
		return nil
	}
	return fmt.Errorf("field 4 (log type) is %s, not a PAN-OS log type", snippet([]byte(r.typ)))
}

// commonFields fills what THREAT and TRAFFIC lines share (indexes 0–30).
func commonFields(r *panFields, f []string) {
	r.serial, r.subtype = f[panSerial], field(f, panSubtype)
	r.recvTime, r.genTime = field(f, panRecvTime), field(f, panGenTime)
	r.src, r.dst = field(f, panSrc), field(f, panDst)
	r.natSrc, r.natDst = field(f, panNATSrc), field(f, panNATDst)
	r.rule, r.srcUser, r.app = field(f, panRule), field(f, panSrcUser), field(f, panApp)
	r.srcZone, r.dstZone = field(f, panSrcZone), field(f, panDstZone)
	r.session, r.repeat = field(f, panSession), field(f, panRepeat)
	r.sport, r.dport = field(f, panSport), field(f, panDport)
	r.natSport, r.natDport = field(f, panNATSport), field(f, panNATDport)
	r.proto, r.action = field(f, panProto), field(f, panAction)
}

func threatFields(r *panFields, f []string) {
	commonFields(r, f)
	r.url, r.threat = field(f, thrURL), field(f, thrThreatID)
	r.severity, r.direction, r.seq = field(f, thrSeverity), field(f, thrDirection), field(f, thrSeq)
	r.srcLoc, r.dstLoc, r.pcapID = field(f, thrSrcLoc), field(f, thrDstLoc), field(f, thrPCAPID)
	r.device, r.thrCategory, r.hiRes = field(f, thrDevice), field(f, thrCategory), field(f, thrHiRes)
}

func trafficFields(r *panFields, f []string) {
	commonFields(r, f)
	r.bytes, r.bytesSent, r.bytesRecv = field(f, trfBytes), field(f, trfBytesSent), field(f, trfBytesRecv)
	r.packets, r.start, r.elapsed = field(f, trfPackets), field(f, trfStart), field(f, trfElapsed)
	r.seq, r.pktsSent, r.pktsRecv = field(f, trfSeq), field(f, trfPktsSent), field(f, trfPktsRecv)
	r.endReason, r.device, r.hiRes = field(f, trfEndReason), field(f, trfDevice), field(f, trfHiRes)
}

// splitSyslog cuts the syslog header off a PAN-OS line: the CSV starts at
// the token holding the first comma (field 0 is "1" or empty), and no
// header form puts a comma before it.
func splitSyslog(line []byte) (prefix, body []byte) {
	i := bytes.IndexByte(line, ',')
	if i < 0 {
		return nil, line
	}
	j := bytes.LastIndexByte(line[:i], ' ')
	if j < 0 {
		return nil, line
	}
	return bytes.TrimRight(line[:j], " "), line[j+1:]
}

// prefixZone returns the zone of the syslog header's timestamp when it
// has an explicit offset ("2026-05-20T13:36:17+07:00", RFC 5424 "…Z").
func prefixZone(prefix []byte) *time.Location {
	for len(prefix) > 0 {
		tok := prefix
		if i := bytes.IndexByte(prefix, ' '); i >= 0 {
			tok, prefix = prefix[:i], prefix[i+1:]
		} else {
			prefix = nil
		}
		if len(tok) >= 20 && tok[4] == '-' && tok[10] == 'T' {
			s := view(tok)
			body, off, err := splitZone(s)
			if err == nil && len(body) != len(s) {
				return zoneFor(off)
			}
			return nil
		}
	}
	return nil
}

// splitThreat splits PAN-OS "Name(85886)" into name and id, using the last
// parenthesised number: "Suspicious DNS Query (generic:x.net)(320511141)".
func splitThreat(s string) (string, int64) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		if n, err := parseUint(s); err == nil && s != "" && n < 1<<62 {
			return "", int64(n)
		}
		return s, 0
	}
	i := strings.LastIndexByte(s, '(')
	if i < 0 {
		return s, 0
	}
	n, err := parseUint(s[i+1 : len(s)-1])
	if err != nil || i+1 == len(s)-1 || n >= 1<<62 {
		return s, 0
	}
	return strings.TrimSpace(s[:i]), int64(n)
}
