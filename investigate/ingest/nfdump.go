package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minertriage/minertriage/investigate/flow"
)

// nfdump CSV (formats.md §2.5): 1.6 `-o csv` (ts,te,td,sa,da,…), 1.7
// `-o csv` (firstSeen,duration,proto,srcAddr,…, custom "csv:%…" formats
// too) and 1.7 `-o csv-fast` (cnt,af,firstSeen,… with epoch milliseconds).
// Columns are found by header name. nfdump prints times in the local time
// of the machine that ran it, with no zone: they are taken as UTC. The
// "Summary" block nfdump appends ends the records.

var (
	nfFirst    = []string{"ts", "firstseen"}
	nfLast     = []string{"te", "lastseen"}
	nfDuration = []string{"td", "duration"}
	nfSrc      = []string{"sa", "srcaddr"}
	nfDst      = []string{"da", "dstaddr"}
	nfSport    = []string{"sp", "srcport"}
	nfDport    = []string{"dp", "dstport"}
	nfProto    = []string{"pr", "proto"}
	nfInPkts   = []string{"ipkt", "inpackets", "packets", "pkt"}
	nfInBytes  = []string{"ibyt", "inbytes", "bytes", "byt"}
	nfOutPkts  = []string{"opkt", "outpackets"}
	nfOutBytes = []string{"obyt", "outbytes"}
)

type nfdumpParser struct {
	file                                                                    string
	o                                                                       out
	in                                                                      interner
	sp                                                                      *csvSplitter
	header                                                                  int // number of header columns; 0 before the header
	first, last, dur, src, dst, sport, dport, proto, ipkt, ibyt, opkt, obyt int
}

func newNfdumpParser(file string, o out) *nfdumpParser {
	return &nfdumpParser{file: file, o: o, sp: newCSVSplitter(0)}
}

func (p *nfdumpParser) finish() error { return nil }

func (p *nfdumpParser) line(b []byte, no int) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	if p.header > 0 && bytes.Equal(b, []byte("Summary")) {
		return errStop
	}
	f, err := p.sp.split(b)
	if err != nil {
		return fmt.Errorf("unreadable CSV: %v", err)
	}
	if p.header == 0 {
		return p.readHeader(f)
	}
	if len(f) > p.header {
		return fmt.Errorf("row has %d fields, the header names %d", len(f), p.header)
	}
	return p.row(f, no)
}

func (p *nfdumpParser) readHeader(f []string) error {
	c := columnIndex(f)
	p.header = len(f)
	p.first, p.last, p.dur = c.find(nfFirst), c.find(nfLast), c.find(nfDuration)
	p.src, p.dst, p.sport, p.dport = c.find(nfSrc), c.find(nfDst), c.find(nfSport), c.find(nfDport)
	p.proto, p.ipkt, p.ibyt = c.find(nfProto), c.find(nfInPkts), c.find(nfInBytes)
	p.opkt, p.obyt = c.find(nfOutPkts), c.find(nfOutBytes)
	if p.first < 0 || p.src < 0 || p.dst < 0 {
		return errors.New("nfdump header lacks a first-seen, source or destination address column")
	}
	return nil
}

func (p *nfdumpParser) row(f []string, no int) error {
	src, err := parseAddr(col(f, p.src))
	if err != nil {
		return fmt.Errorf("source address %s is not an IP address", snippet([]byte(col(f, p.src))))
	}
	dst, err := parseAddr(col(f, p.dst))
	if err != nil {
		return fmt.Errorf("destination address %s is not an IP address", snippet([]byte(col(f, p.dst))))
	}
	start, err := nfTime(col(f, p.first))
	if err != nil {
		return fmt.Errorf("first-seen time %s is not a time", snippet([]byte(col(f, p.first))))
	}
	var dur time.Duration
	if s := col(f, p.dur); s != "" {
		ns, err := parseSeconds(s)
		if err != nil || ns < 0 {
			return fmt.Errorf("duration %s is not a number of seconds", snippet([]byte(s)))
		}
		dur = time.Duration(ns)
	} else if s := col(f, p.last); s != "" {
		end, err := nfTime(s)
		if err != nil {
			return fmt.Errorf("last-seen time %s is not a time", snippet([]byte(s)))
		}
		if end.After(start) {
			dur = end.Sub(start)
		}
	}
	sport, err1 := parsePort(nfPort(col(f, p.sport)))
	dport, err2 := parsePort(nfPort(col(f, p.dport)))
	if err1 != nil || err2 != nil {
		return fmt.Errorf("source port %s or destination port %s is not a port",
			snippet([]byte(col(f, p.sport))), snippet([]byte(col(f, p.dport))))
	}
	var n [4]uint64
	for i, c := range [4]int{p.ibyt, p.obyt, p.ipkt, p.opkt} {
		if n[i], err = nfCount(col(f, c)); err != nil {
			return fmt.Errorf("byte or packet count %s is not a number", snippet([]byte(col(f, c))))
		}
	}
	return p.o.flow(&flow.Flow{
		Src: src, Dst: dst, SrcPort: sport, DstPort: dport, Proto: protoName(col(f, p.proto), &p.in),
		Start: start, Duration: dur,
		BytesSent: n[0], BytesReceived: n[1], PacketsSent: n[2], PacketsReceived: n[3],
		Source: "nfdump", File: p.file, Line: no,
	})
}

// nfTime parses "2026-09-01 10:00:00[.123]" or csv-fast's epoch
// milliseconds.
func nfTime(s string) (time.Time, error) {
	if strings.IndexByte(s, '-') > 0 {
		return parseLocalTime(s, nil)
	}
	ms, err := parseUint(s)
	if err != nil || s == "" || ms > 1<<50 {
		return time.Time{}, errBadTime
	}
	return time.UnixMilli(int64(ms)).UTC(), nil
}

// nfPort accepts ICMP "type.code" destination ports as 0.
func nfPort(s string) string {
	if strings.IndexByte(s, '.') >= 0 {
		return ""
	}
	return s
}

// nfCount parses a count; nfdump may scale big ones ("1.2 M").
func nfCount(s string) (uint64, error) {
	if n, err := parseUint(s); err == nil {
		return n, nil
	}
	num, unit, ok := strings.Cut(s, " ")
	if !ok {
		return 0, errBadNumber
	}
	mult := map[string]float64{"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}[unit]
	ns, err := parseSeconds(num) // a decimal; reuse the exact parser
	if mult == 0 || err != nil || ns < 0 {
		return 0, errBadNumber
	}
	return uint64(float64(ns) / 1e9 * mult), nil
}
