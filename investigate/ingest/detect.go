package ingest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/minertriage/minertriage/investigate/textsafe"
)

// ErrUnknownFormat is wrapped by Detect when the content is no format it
// knows; the message says what was seen.
var ErrUnknownFormat = errors.New("not a recognised evidence format")

// Detect names the format of a file from its first bytes (ImportFile gives
// it the first 64 KiB). The file name plays no part: analysts rename
// exports freely. gz reports gzip compression; the format is then that of
// the decompressed content.
func Detect(head []byte) (format Format, gz bool, err error) {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		inner, err := gunzipHead(head)
		if err != nil {
			return "", true, fmt.Errorf("%w (gzip data that does not decompress: %v)", ErrUnknownFormat, err)
		}
		if len(inner) >= 2 && inner[0] == 0x1f && inner[1] == 0x8b {
			return "", true, fmt.Errorf("%w (gzip inside gzip)", ErrUnknownFormat)
		}
		f, err := detectPlain(inner)
		return f, true, err
	}
	f, err := detectPlain(head)
	return f, false, err
}

// Magic numbers of packet captures.
const (
	pcapMagicMicro  = 0xa1b2c3d4
	pcapMagicNano   = 0xa1b23c4d
	pcapngBlockSHB  = 0x0a0d0d0a
	pcapngByteOrder = 0x1a2b3c4d
)

func detectPlain(head []byte) (Format, error) {
	if len(head) == 0 {
		return "", fmt.Errorf("%w (the file is empty)", ErrUnknownFormat)
	}
	if len(head) >= 4 {
		be, le := binary.BigEndian.Uint32(head), binary.LittleEndian.Uint32(head)
		switch {
		case be == pcapMagicMicro || le == pcapMagicMicro || be == pcapMagicNano || le == pcapMagicNano:
			return FormatPcap, nil
		case be == pcapngBlockSHB:
			if len(head) >= 12 {
				bo := binary.BigEndian.Uint32(head[8:])
				if bo != pcapngByteOrder && binary.LittleEndian.Uint32(head[8:]) != pcapngByteOrder {
					return "", fmt.Errorf("%w (pcapng header with a bad byte-order magic)", ErrUnknownFormat)
				}
			}
			return FormatPcapng, nil
		}
	}
	text := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")) // Excel's UTF-8 BOM
	if bytes.IndexByte(firstN(text, 512), 0) >= 0 {
		return "", fmt.Errorf("%w (binary content starting %x)", ErrUnknownFormat, firstN(text, 8))
	}
	first, complete := firstLine(text)
	if first == nil {
		return "", fmt.Errorf("%w (only blank lines)", ErrUnknownFormat)
	}
	if f, err, ok := detectZeekTSV(text, first); ok {
		return f, err
	}
	if first[0] == '{' {
		return detectJSON(first, complete)
	}
	if f, ok := detectCSVHeader(first); ok {
		return f, nil
	}
	if _, ok := panLineType(first); ok {
		return FormatPANOSSyslog, nil
	}
	return "", fmt.Errorf("%w (first line: %s)", ErrUnknownFormat, snippet(first))
}

func firstN(b []byte, n int) []byte { return b[:min(len(b), n)] }

// snippet quotes the start of an untrusted value for an error message:
// cut to 60 bytes and sanitised, so a hostile field can neither flood nor
// drive the terminal the error is printed on.
func snippet(b []byte) string {
	s := string(firstN(b, 60))
	if len(b) > 60 {
		s += "…"
	}
	return `"` + textsafe.Line(s) + `"`
}

// firstLine returns the first non-blank line and whether it ended within
// the head (a line cut by the 64 KiB head is incomplete).
func firstLine(text []byte) ([]byte, bool) {
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		var line []byte
		complete := i >= 0
		if complete {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) > 0 {
			return line, complete
		}
	}
	return nil, false
}

// detectZeekTSV recognises a Zeek ASCII log by its header lines; ok is
// false when the head does not start like one.
func detectZeekTSV(text, first []byte) (Format, error, bool) {
	if !bytes.HasPrefix(first, []byte("#separator")) && !bytes.HasPrefix(first, []byte("#fields")) &&
		!bytes.HasPrefix(first, []byte("#path")) {
		return "", nil, false
	}
	var fields []byte
	path := ""
	for _, l := range bytes.Split(text, []byte("\n")) {
		l = bytes.TrimRight(l, "\r")
		if len(l) == 0 || l[0] != '#' {
			break
		}
		if v, ok := bytes.CutPrefix(l, []byte("#path")); ok {
			path = strings.TrimSpace(string(v))
		}
		if v, ok := bytes.CutPrefix(l, []byte("#fields")); ok {
			fields = v
		}
	}
	if path != "" && path != "conn" {
		return "", fmt.Errorf("%w (a Zeek %s log; only conn logs hold flows)", ErrUnknownFormat, textsafe.Line(path)), true
	}
	if fields == nil || !bytes.Contains(fields, []byte("id.orig_h")) || !bytes.Contains(fields, []byte("ts")) {
		return "", fmt.Errorf("%w (Zeek header without a #fields line naming ts and id.orig_h)", ErrUnknownFormat), true
	}
	return FormatZeekConnTSV, nil, true
}

// detectJSON tells Suricata EVE from Zeek conn JSON by the first record's
// keys.
func detectJSON(first []byte, complete bool) (Format, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(first, &m); err != nil {
		if complete {
			return "", fmt.Errorf("%w (first line is not JSON: %v)", ErrUnknownFormat, err)
		}
		// A first record longer than the head: decide by its keys' text.
		switch {
		case bytes.Contains(first, []byte(`"event_type"`)):
			return FormatSuricataEVE, nil
		case bytes.Contains(first, []byte(`"id.orig_h"`)) || bytes.Contains(first, []byte(`"id_orig_h"`)):
			return FormatZeekConnJSON, nil
		}
		return "", fmt.Errorf("%w (JSON without event_type or id.orig_h)", ErrUnknownFormat)
	}
	if _, ok := m["event_type"]; ok {
		return FormatSuricataEVE, nil
	}
	if _, ok := m["id.orig_h"]; ok {
		return FormatZeekConnJSON, nil
	}
	if _, ok := m["id_orig_h"]; ok {
		return FormatZeekConnJSON, nil
	}
	if id, ok := m["id"]; ok && bytes.Contains(id, []byte(`"orig_h"`)) {
		return FormatZeekConnJSON, nil
	}
	return "", fmt.Errorf("%w (JSON lines, but neither Suricata EVE (no event_type) nor Zeek conn (no id.orig_h))", ErrUnknownFormat)
}

// detectCSVHeader recognises the header rows of nfdump CSV and the PAN-OS
// web-UI export.
func detectCSVHeader(first []byte) (Format, bool) {
	s := string(first)
	switch {
	case strings.HasPrefix(s, "ts,te,td,sa,da,"):
		return FormatNfdump16, true
	case strings.HasPrefix(s, "cnt,af,firstSeen,"):
		return FormatNfdumpFast, true
	}
	rec, err := newCSVSplitter(0).split(first)
	if err != nil || len(rec) < 3 {
		return "", false
	}
	cols := columnIndex(rec)
	if cols.has("firstseen") && cols.has("srcaddr") && cols.has("dstaddr") {
		return FormatNfdump17, true
	}
	if !cols.has("receive time") || cols.find(exportSrc) < 0 || cols.find(exportDst) < 0 {
		return "", false
	}
	if cols.find(exportThreatName) >= 0 {
		return FormatPANOSThreatCSV, true
	}
	if cols.find(exportBytesSent) >= 0 || cols.has("bytes") {
		return FormatPANOSTrafficCSV, true
	}
	return "", false
}

// panLogTypes are the PAN-OS log types (syslog field 3). Only THREAT and
// TRAFFIC are parsed; the others are counted as skipped.
var panLogTypes = map[string]bool{
	"TRAFFIC": true, "THREAT": true, "SYSTEM": true, "CONFIG": true, "HIPMATCH": true,
	"HIP-MATCH": true, "GLOBALPROTECT": true, "USERID": true, "AUTH": true, "DECRYPTION": true,
	"TUNNEL": true, "GTP": true, "SCTP": true, "CORRELATION": true, "IPTAG": true,
	"URL": true, "DATA": true, "WILDFIRE": true,
}

// panLineType reports whether line is a PAN-OS syslog CSV line (bare, or
// after a BSD, ISO 8601 or RFC 5424 prefix) and its log type.
func panLineType(line []byte) (string, bool) {
	prefix, body := splitSyslog(line)
	if len(prefix) > 0 && !plausibleSyslogPrefix(prefix) {
		return "", false
	}
	f, err := newCSVSplitter(6).split(body)
	if err != nil || len(f) < 5 {
		return "", false
	}
	if !looksLikePANDate(f[1]) || !panLogTypes[f[3]] {
		return "", false
	}
	return f[3], true
}

// looksLikePANDate accepts "2026/05/20 13:36:17" (receive time).
func looksLikePANDate(s string) bool {
	_, err := parseLocalTime(s, nil)
	return err == nil
}

var months = []string{"Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec "}

// plausibleSyslogPrefix accepts the syslog headers firewalls and relays put
// before the CSV: "<14>1 2018-…", "<12>Jan 10 …", "Nov 30 16:44:36 host",
// "2026-05-20T13:36:17+07:00 host".
func plausibleSyslogPrefix(p []byte) bool {
	if p[0] == '<' {
		i := bytes.IndexByte(p, '>')
		if i < 2 || i > 4 {
			return false
		}
		if _, ok := digits(string(p[1:i])); !ok {
			return false
		}
		p = p[i+1:]
		if len(p) == 0 {
			return false
		}
	}
	for _, m := range months {
		if bytes.HasPrefix(p, []byte(m)) {
			return true
		}
	}
	if len(p) >= 2 && p[0] >= '1' && p[0] <= '9' && p[1] == ' ' { // RFC 5424 version "1 "
		p = p[2:]
	}
	if len(p) >= 10 && p[4] == '-' && p[7] == '-' {
		_, ok := digits(string(p[:4]))
		return ok
	}
	return false
}
