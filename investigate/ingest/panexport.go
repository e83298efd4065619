package ingest

import (
	"bytes"
	"fmt"
	"strings"
)

// The PAN-OS web-UI export (Monitor > Logs > Export to CSV) has a header
// row whose names changed between releases and mix display names with
// variable names ("Source address", "Serial #", "seqno", "pkts_sent",
// "thr_category"), so columns are found by name, case-insensitively,
// through the aliases below, never by position (formats.md §1.4).
var (
	exportSerial      = []string{"serial #", "serial number", "serial"}
	exportType        = []string{"type"}
	exportSubtype     = []string{"threat/content type", "subtype", "content type"}
	exportRecvTime    = []string{"receive time"}
	exportGenTime     = []string{"generate time", "generated time", "time generated"}
	exportSrc         = []string{"source address", "source ip", "src ip", "source"}
	exportDst         = []string{"destination address", "destination ip", "dst ip", "destination"}
	exportNATSrc      = []string{"nat source ip", "nat source address"}
	exportNATDst      = []string{"nat destination ip", "nat destination address"}
	exportRule        = []string{"rule", "rule name"}
	exportSrcUser     = []string{"source user"}
	exportApp         = []string{"application", "app"}
	exportSrcZone     = []string{"source zone"}
	exportDstZone     = []string{"destination zone"}
	exportSession     = []string{"session id"}
	exportRepeat      = []string{"repeat count"}
	exportSport       = []string{"source port"}
	exportDport       = []string{"destination port"}
	exportNATSport    = []string{"nat source port"}
	exportNATDport    = []string{"nat destination port"}
	exportProto       = []string{"ip protocol", "protocol"}
	exportAction      = []string{"action"}
	exportURL         = []string{"url/filename", "url", "filename"}
	exportThreatName  = []string{"threat/content name", "threat name", "threat id"}
	exportThreatNum   = []string{"threat id", "threatid"}
	exportSeverity    = []string{"severity"}
	exportDirection   = []string{"direction"}
	exportSeq         = []string{"sequence number", "seqno"}
	exportSrcLoc      = []string{"source location", "source country"}
	exportDstLoc      = []string{"destination location", "destination country"}
	exportPCAPID      = []string{"pcap_id", "pcap id"}
	exportDevice      = []string{"device name", "device_name"}
	exportThrCategory = []string{"threat category", "thr_category"}
	exportHiRes       = []string{"high resolution timestamp", "high res timestamp"}
	exportBytes       = []string{"bytes"}
	exportBytesSent   = []string{"bytes sent"}
	exportBytesRecv   = []string{"bytes received"}
	exportPackets     = []string{"packets"}
	exportStart       = []string{"start time"}
	exportElapsed     = []string{"elapsed time (sec)", "elapsed time", "elapsed"}
	exportPktsSent    = []string{"packets sent", "pkts_sent"}
	exportPktsRecv    = []string{"packets received", "pkts_received"}
	exportEndReason   = []string{"session end reason", "session_end_reason"}
)

// columns maps normalised header names to their index.
type columns map[string]int

func columnIndex(header []string) columns {
	c := make(columns, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := c[h]; !dup {
			c[h] = i
		}
	}
	return c
}

func (c columns) has(name string) bool { _, ok := c[name]; return ok }

// find returns the index of the first alias present, or -1.
func (c columns) find(aliases []string) int {
	for _, a := range aliases {
		if i, ok := c[a]; ok {
			return i
		}
	}
	return -1
}

// panExportParser parses a web-UI CSV export, threat or traffic.
type panExportParser struct {
	conv    panConverter
	sp      *csvSplitter
	traffic bool
	header  []string
	idx     panColumns
}

// panColumns holds the index of each column (-1: absent).
type panColumns struct {
	serial, typ, subtype, recvTime, genTime, src, dst, natSrc, natDst int
	rule, srcUser, app, srcZone, dstZone, session, repeat             int
	sport, dport, natSport, natDport, proto, action                   int
	url, threat, threatNum, severity, direction, seq, srcLoc, dstLoc  int
	pcapID, device, thrCategory, hiRes                                int
	bytes, bytesSent, bytesRecv, packets, start, elapsed              int
	pktsSent, pktsRecv, endReason                                     int
}

func newPANExportParser(file string, format Format, o out) *panExportParser {
	return &panExportParser{
		conv:    panConverter{file: file, o: o, source: "panos-threat-csv"},
		sp:      newCSVSplitter(0),
		traffic: format == FormatPANOSTrafficCSV,
	}
}

func (p *panExportParser) finish() error { return nil }

func (p *panExportParser) line(b []byte, no int) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	f, err := p.sp.split(b)
	if err != nil {
		return fmt.Errorf("unreadable CSV: %v", err)
	}
	if p.header == nil {
		return p.readHeader(f)
	}
	if len(f) > len(p.header) {
		return fmt.Errorf("row has %d fields, the header names %d", len(f), len(p.header))
	}
	var r panFields
	p.fill(&r, f)
	switch {
	case r.typ == "THREAT" || (r.typ == "" && !p.traffic):
		return p.conv.threat(&r, no)
	case r.typ == "TRAFFIC" || (r.typ == "" && p.traffic):
		return p.conv.traffic(&r, no)
	case panLogTypes[r.typ]:
		p.conv.o.skip()
		return nil
	}
	return fmt.Errorf("Type column is %s, not a PAN-OS log type", snippet([]byte(r.typ)))
}

func (p *panExportParser) readHeader(f []string) error {
	p.header = make([]string, len(f))
	for i, h := range f {
		p.header[i] = own(h)
	}
	c := columnIndex(p.header)
	p.idx = panColumns{
		serial: c.find(exportSerial), typ: c.find(exportType), subtype: c.find(exportSubtype),
		recvTime: c.find(exportRecvTime), genTime: c.find(exportGenTime), src: c.find(exportSrc),
		dst: c.find(exportDst), natSrc: c.find(exportNATSrc), natDst: c.find(exportNATDst),
		rule: c.find(exportRule), srcUser: c.find(exportSrcUser), app: c.find(exportApp),
		srcZone: c.find(exportSrcZone), dstZone: c.find(exportDstZone), session: c.find(exportSession),
		repeat: c.find(exportRepeat), sport: c.find(exportSport), dport: c.find(exportDport),
		natSport: c.find(exportNATSport), natDport: c.find(exportNATDport), proto: c.find(exportProto),
		action: c.find(exportAction), url: c.find(exportURL), threat: c.find(exportThreatName),
		threatNum: c.find(exportThreatNum), severity: c.find(exportSeverity), direction: c.find(exportDirection),
		seq: c.find(exportSeq), srcLoc: c.find(exportSrcLoc), dstLoc: c.find(exportDstLoc),
		pcapID: c.find(exportPCAPID), device: c.find(exportDevice), thrCategory: c.find(exportThrCategory),
		hiRes: c.find(exportHiRes), bytes: c.find(exportBytes), bytesSent: c.find(exportBytesSent),
		bytesRecv: c.find(exportBytesRecv), packets: c.find(exportPackets), start: c.find(exportStart),
		elapsed: c.find(exportElapsed), pktsSent: c.find(exportPktsSent), pktsRecv: c.find(exportPktsRecv),
		endReason: c.find(exportEndReason),
	}
	if p.idx.src < 0 || p.idx.dst < 0 || (p.idx.genTime < 0 && p.idx.recvTime < 0) {
		return fmt.Errorf("export header lacks a source address, destination address or time column")
	}
	if !p.traffic && p.idx.threat < 0 {
		return fmt.Errorf("threat export header lacks a Threat/Content Name column")
	}
	return nil
}

// col returns row[i], or "" when the column is absent or the row short.
func col(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (p *panExportParser) fill(r *panFields, f []string) {
	x := &p.idx
	r.serial, r.typ, r.subtype = col(f, x.serial), strings.ToUpper(col(f, x.typ)), col(f, x.subtype)
	r.recvTime, r.genTime, r.src, r.dst = col(f, x.recvTime), col(f, x.genTime), col(f, x.src), col(f, x.dst)
	r.natSrc, r.natDst, r.rule, r.srcUser = col(f, x.natSrc), col(f, x.natDst), col(f, x.rule), col(f, x.srcUser)
	r.app, r.srcZone, r.dstZone = col(f, x.app), col(f, x.srcZone), col(f, x.dstZone)
	r.session, r.repeat, r.sport, r.dport = col(f, x.session), col(f, x.repeat), col(f, x.sport), col(f, x.dport)
	r.natSport, r.natDport, r.proto, r.action = col(f, x.natSport), col(f, x.natDport), col(f, x.proto), col(f, x.action)
	r.url, r.threat, r.threatNum = col(f, x.url), col(f, x.threat), col(f, x.threatNum)
	r.severity, r.direction, r.seq = col(f, x.severity), col(f, x.direction), col(f, x.seq)
	r.srcLoc, r.dstLoc, r.pcapID, r.device = col(f, x.srcLoc), col(f, x.dstLoc), col(f, x.pcapID), col(f, x.device)
	r.thrCategory, r.hiRes = col(f, x.thrCategory), col(f, x.hiRes)
	r.bytes, r.bytesSent, r.bytesRecv = col(f, x.bytes), col(f, x.bytesSent), col(f, x.bytesRecv)
	r.packets, r.start, r.elapsed = col(f, x.packets), col(f, x.start), col(f, x.elapsed)
	r.pktsSent, r.pktsRecv, r.endReason = col(f, x.pktsSent), col(f, x.pktsRecv), col(f, x.endReason)
}
