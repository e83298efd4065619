package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/minertriage/minertriage/investigate/flow"
)

// Zeek conn.log (formats.md §2.4), as the ASCII TSV log with its #fields
// header and as JSON lines (LogAscii::use_json, keys "id.orig_h", some
// pipelines "id_orig_h" or a nested "id" object).

// zeekConn is one conn record by name; "" means unset.
type zeekConn struct {
	ts, uid, origH, origP, respH, respP, proto, service, duration string
	origBytes, respBytes, connState, origPkts, origIPBytes        string
	respPkts, respIPBytes                                         string
}

// zeekConv converts zeekConn records into flows.
type zeekConv struct {
	file string
	o    out
	in   interner
}

func (c *zeekConv) emit(z *zeekConn, no int) error {
	if z.ts == "" {
		return errors.New("ts is unset")
	}
	start, err := zeekTime(z.ts)
	if err != nil {
		return fmt.Errorf("ts %s is not a time", snippet([]byte(z.ts)))
	}
	src, err := parseAddr(z.origH)
	if err != nil {
		return fmt.Errorf("id.orig_h %s is not an IP address", snippet([]byte(z.origH)))
	}
	dst, err := parseAddr(z.respH)
	if err != nil {
		return fmt.Errorf("id.resp_h %s is not an IP address", snippet([]byte(z.respH)))
	}
	sport, err1 := parsePort(z.origP)
	dport, err2 := parsePort(z.respP)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("id.orig_p %s or id.resp_p %s is not a port", snippet([]byte(z.origP)), snippet([]byte(z.respP)))
	}
	var dur time.Duration
	if z.duration != "" {
		if dur, err = zeekSeconds(z.duration); err != nil {
			return fmt.Errorf("duration %s is not a number of seconds", snippet([]byte(z.duration)))
		}
	}
	// orig_bytes counts payload from sequence numbers and is unset for
	// some connections; orig_ip_bytes (IP-level) is the fallback.
	if z.origBytes == "" {
		z.origBytes = z.origIPBytes
	}
	if z.respBytes == "" {
		z.respBytes = z.respIPBytes
	}
	var n [4]uint64
	for i, v := range [4][2]string{{z.origBytes, "orig_bytes"}, {z.respBytes, "resp_bytes"},
		{z.origPkts, "orig_pkts"}, {z.respPkts, "resp_pkts"}} {
		if n[i], err = parseUint(v[0]); err != nil {
			return fmt.Errorf("%s %s is not a count", v[1], snippet([]byte(v[0])))
		}
	}
	return c.o.flow(&flow.Flow{
		Src: src, Dst: dst, SrcPort: sport, DstPort: dport, Proto: protoName(z.proto, &c.in),
		Start: start, Duration: dur,
		BytesSent: n[0], BytesReceived: n[1], PacketsSent: n[2], PacketsReceived: n[3],
		App: c.in.get(z.service), EndReason: c.in.get(z.connState), UID: own(z.uid),
		Source: "zeek-conn", File: c.file, Line: no,
	})
}

// zeekTime parses an epoch ts ("1521911721.255387") or an ISO 8601 one
// (JSON logs with json_timestamps set).
func zeekTime(s string) (time.Time, error) {
	if strings.IndexByte(s, 'T') > 0 {
		return parseISOTime(s)
	}
	ns, err := parseSeconds(s)
	if err != nil {
		v, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(v) || v < 0 || v > 1<<33 {
			return time.Time{}, err
		}
		ns = int64(v * 1e9)
	}
	return time.Unix(0, ns).UTC(), nil
}

// zeekSeconds parses an interval; JSON writers may use exponents.
func zeekSeconds(s string) (time.Duration, error) {
	if ns, err := parseSeconds(s); err == nil {
		return time.Duration(ns), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1e9 {
		return 0, errBadNumber
	}
	return time.Duration(v * 1e9), nil
}

// zeekTSVParser follows the header directives, which may repeat when logs
// are concatenated.
type zeekTSVParser struct {
	conv   zeekConv
	sep    string
	unset  string
	empty  string
	fields []string
	idx    map[string]int
}

func newZeekTSVParser(file string, o out) *zeekTSVParser {
	return &zeekTSVParser{conv: zeekConv{file: file, o: o}, sep: "\t", unset: "-", empty: "(empty)"}
}

func (p *zeekTSVParser) finish() error { return nil }

func (p *zeekTSVParser) line(b []byte, no int) error {
	if len(b) == 0 {
		return nil
	}
	if b[0] == '#' {
		return p.directive(string(b))
	}
	if p.fields == nil {
		return errors.New("data row before the #fields header")
	}
	row := strings.Split(view(b), p.sep)
	if len(row) != len(p.fields) {
		return fmt.Errorf("row has %d columns, #fields names %d", len(row), len(p.fields))
	}
	get := func(name string) string {
		i, ok := p.idx[name]
		if !ok {
			return ""
		}
		v := row[i]
		if v == p.unset {
			return ""
		}
		if v == p.empty {
			return ""
		}
		return v
	}
	z := zeekConn{
		ts: get("ts"), uid: get("uid"), origH: get("id.orig_h"), origP: get("id.orig_p"),
		respH: get("id.resp_h"), respP: get("id.resp_p"), proto: get("proto"), service: get("service"),
		duration: get("duration"), origBytes: get("orig_bytes"), respBytes: get("resp_bytes"),
		connState: get("conn_state"), origPkts: get("orig_pkts"), origIPBytes: get("orig_ip_bytes"),
		respPkts: get("resp_pkts"), respIPBytes: get("resp_ip_bytes"),
	}
	return p.conv.emit(&z, no)
}

func (p *zeekTSVParser) directive(l string) error {
	if v, ok := strings.CutPrefix(l, "#separator "); ok {
		sep, err := zeekUnescape(v)
		if err != nil || sep == "" {
			return fmt.Errorf("#separator %s is not usable", snippet([]byte(v)))
		}
		p.sep = sep
		return nil
	}
	name, val, _ := strings.Cut(l, p.sep)
	switch name {
	case "#unset_field":
		p.unset = val
	case "#empty_field":
		p.empty = val
	case "#path":
		if val != "conn" {
			return fmt.Errorf("#path is %s: only conn logs hold flows", snippet([]byte(val)))
		}
	case "#fields":
		p.fields = strings.Split(val, p.sep)
		p.idx = make(map[string]int, len(p.fields))
		for i, f := range p.fields {
			p.idx[f] = i
		}
		for _, need := range []string{"ts", "id.orig_h", "id.resp_h"} {
			if _, ok := p.idx[need]; !ok {
				return fmt.Errorf("#fields lacks %s", need)
			}
		}
	}
	return nil
}

// zeekUnescape decodes the \xNN escapes Zeek writes in #separator.
func zeekUnescape(s string) (string, error) {
	if !strings.Contains(s, `\x`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if err != nil {
				return "", err
			}
			b.WriteByte(byte(v))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}

// zeekJSON is one conn record as JSON, under any of the key spellings.
type zeekJSON struct {
	TS          json.RawMessage `json:"ts"`
	UID         string          `json:"uid"`
	OrigH       string          `json:"id.orig_h"`
	OrigP       json.Number     `json:"id.orig_p"`
	RespH       string          `json:"id.resp_h"`
	RespP       json.Number     `json:"id.resp_p"`
	OrigH2      string          `json:"id_orig_h"`
	OrigP2      json.Number     `json:"id_orig_p"`
	RespH2      string          `json:"id_resp_h"`
	RespP2      json.Number     `json:"id_resp_p"`
	ID          *zeekJSONID     `json:"id"`
	Proto       string          `json:"proto"`
	Service     string          `json:"service"`
	Duration    json.Number     `json:"duration"`
	OrigBytes   json.Number     `json:"orig_bytes"`
	RespBytes   json.Number     `json:"resp_bytes"`
	ConnState   string          `json:"conn_state"`
	OrigPkts    json.Number     `json:"orig_pkts"`
	OrigIPBytes json.Number     `json:"orig_ip_bytes"`
	RespPkts    json.Number     `json:"resp_pkts"`
	RespIPBytes json.Number     `json:"resp_ip_bytes"`
}

type zeekJSONID struct {
	OrigH string      `json:"orig_h"`
	OrigP json.Number `json:"orig_p"`
	RespH string      `json:"resp_h"`
	RespP json.Number `json:"resp_p"`
}

type zeekJSONParser struct{ conv zeekConv }

func newZeekJSONParser(file string, o out) *zeekJSONParser {
	return &zeekJSONParser{conv: zeekConv{file: file, o: o}}
}

func (p *zeekJSONParser) finish() error { return nil }

func (p *zeekJSONParser) line(b []byte, no int) error {
	var r zeekJSON
	if ok, err := decodeJSONLine(b, &r); !ok {
		return err
	}
	z := zeekConn{
		uid: r.UID, origH: first(r.OrigH, r.OrigH2), origP: first(r.OrigP.String(), r.OrigP2.String()),
		respH: first(r.RespH, r.RespH2), respP: first(r.RespP.String(), r.RespP2.String()),
		proto: r.Proto, service: r.Service, duration: r.Duration.String(),
		origBytes: r.OrigBytes.String(), respBytes: r.RespBytes.String(), connState: r.ConnState,
		origPkts: r.OrigPkts.String(), origIPBytes: r.OrigIPBytes.String(),
		respPkts: r.RespPkts.String(), respIPBytes: r.RespIPBytes.String(),
	}
	if r.ID != nil {
		z.origH, z.origP = first(z.origH, r.ID.OrigH), first(z.origP, r.ID.OrigP.String())
		z.respH, z.respP = first(z.respH, r.ID.RespH), first(z.respP, r.ID.RespP.String())
	}
	if len(r.TS) > 0 && r.TS[0] == '"' {
		if err := json.Unmarshal(r.TS, &z.ts); err != nil {
			return errors.New("ts is not a string or number")
		}
	} else if string(r.TS) != "null" {
		z.ts = string(r.TS)
	}
	return p.conv.emit(&z, no)
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
