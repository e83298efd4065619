package ingest

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Small value parsers shared by the formats. They avoid fmt and, on
// success, allocation: they run several times on every line.

var errBadNumber = errors.New("not a number")

// parseUint parses a decimal count; "" is 0. PAN-OS hex fields ("0x402000")
// are never counts, so no base prefix is accepted.
func parseUint(s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errBadNumber
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, errBadNumber
		}
		n = n*10 + d
	}
	return n, nil
}

// parsePort parses a port number; "" is 0.
func parsePort(s string) (uint16, error) {
	n, err := parseUint(s)
	if err != nil || n > 65535 {
		return 0, errBadNumber
	}
	return uint16(n), nil
}

// parseAddr parses an IP address; "" is the zero Addr when optional.
func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, err
	}
	return a.Unmap(), nil
}

// parseOptAddr is parseAddr where an empty field means "none".
func parseOptAddr(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	return parseAddr(s)
}

// parseSeconds parses a decimal number of seconds ("1.234", "12",
// "1521911721.255387") exactly, without float rounding, as nanoseconds.
func parseSeconds(s string) (int64, error) {
	if s == "" {
		return 0, errBadNumber
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, errBadNumber
	}
	w, err := parseUint(whole)
	if err != nil || w > 1<<33 {
		return 0, errBadNumber
	}
	var ns int64
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(frac) {
			c := frac[i]
			if c < '0' || c > '9' {
				return 0, errBadNumber
			}
			ns += int64(c - '0')
		}
	}
	for i := 9; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, errBadNumber
		}
	}
	v := int64(w)*1e9 + ns
	if neg {
		v = -v
	}
	return v, nil
}

// parseLocalTime parses "2026/05/20 13:36:17" or "2026-05-20 13:36:17"
// with an optional ".fff…" fraction, in loc (UTC when nil), and returns it
// in UTC. Years before 1970 are refused: no log predates Unix time, and a
// "0001/01/01" is a broken field, not a date.
func parseLocalTime(s string, loc *time.Location) (time.Time, error) {
	if len(s) < 19 || (s[4] != '/' && s[4] != '-') || s[7] != s[4] ||
		(s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, errBadTime
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	h, ok4 := digits(s[11:13])
	mi, ok5 := digits(s[14:16])
	se, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
		h > 23 || mi > 59 || se > 60 {
		return time.Time{}, errBadTime
	}
	ns := 0
	if rest := s[19:]; rest != "" {
		if rest[0] != '.' || len(rest) == 1 {
			return time.Time{}, errBadTime
		}
		for i := 1; i < len(rest); i++ {
			c := rest[i]
			if c < '0' || c > '9' {
				return time.Time{}, errBadTime
			}
			if i <= 9 {
				ns = ns*10 + int(c-'0')
			}
		}
		for i := len(rest); i <= 9; i++ {
			ns *= 10
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, ns, loc).UTC(), nil
}

var errBadTime = errors.New("not a time")

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseISOTime parses RFC 3339 / ISO 8601 times as logs write them:
// "2026-05-20T13:36:17.674+07:00", "…+0700", "…Z", or no zone (UTC).
func parseISOTime(s string) (time.Time, error) {
	if len(s) < 19 {
		return time.Time{}, errBadTime
	}
	body, off, err := splitZone(s)
	if err != nil {
		return time.Time{}, err
	}
	return parseLocalTime(body, zoneFor(off))
}

// splitZone splits a trailing "Z", "±hh:mm" or "±hhmm" off an ISO time and
// returns the offset in seconds.
func splitZone(s string) (string, int, error) {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return s[:len(s)-1], 0, nil
	}
	for _, n := range []int{6, 5} { // "+07:00", "+0700"
		if len(s) < 19+n {
			continue
		}
		z := s[len(s)-n:]
		if z[0] != '+' && z[0] != '-' {
			continue
		}
		hh, ok1 := digits(z[1:3])
		mmStr := z[3:]
		if n == 6 {
			if z[3] != ':' {
				continue
			}
			mmStr = z[4:]
		}
		mm, ok2 := digits(mmStr)
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return "", 0, errBadTime
		}
		off := hh*3600 + mm*60
		if z[0] == '-' {
			off = -off
		}
		return s[:len(s)-n], off, nil
	}
	return s, 0, nil
}

var zones sync.Map // offset seconds → *time.Location

// zoneFor returns a cached fixed zone for an offset, so parsing a
// million zoned times does not build a million Locations.
func zoneFor(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if z, ok := zones.Load(off); ok {
		return z.(*time.Location)
	}
	z := time.FixedZone("", off)
	zones.Store(off, z)
	return z
}

// protoName normalises a transport protocol written as a name ("TCP") or an
// IANA number ("6").
func protoName(s string, in *interner) string {
	switch s {
	case "tcp", "TCP", "6":
		return "tcp"
	case "udp", "UDP", "17":
		return "udp"
	case "icmp", "ICMP", "1":
		return "icmp"
	case "ipv6-icmp", "IPV6-ICMP", "ICMPV6", "icmp6", "ICMP6", "58":
		return "ipv6-icmp"
	case "":
		return ""
	}
	if n, err := strconv.Atoi(s); err == nil {
		return in.get("ip-proto-" + strconv.Itoa(n))
	}
	return in.get(strings.ToLower(s))
}
