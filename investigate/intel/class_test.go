package intel

import (
	"net/netip"
	"strings"
	"testing"
)

func TestClassifyEveryRange(t *testing.T) {
	cases := []struct {
		addr     string
		want     Class
		internal bool
	}{
		{"10.0.0.1", ClassPrivate, true},
		{"10.255.255.255", ClassPrivate, true},
		{"172.16.0.1", ClassPrivate, true},
		{"172.31.255.254", ClassPrivate, true},
		{"172.32.0.1", ClassPublic, false}, // just outside 172.16/12
		{"172.15.255.255", ClassPublic, false},
		{"192.168.1.20", ClassPrivate, true},
		{"100.64.0.1", ClassShared, true},
		{"100.127.255.255", ClassShared, true},
		{"100.128.0.0", ClassPublic, false}, // just outside 100.64/10
		{"127.0.0.1", ClassLoopback, true},
		{"::1", ClassLoopback, true},
		{"169.254.10.1", ClassLinkLocal, true},
		{"fe80::1", ClassLinkLocal, true},
		{"fe80::1%eth0", ClassLinkLocal, true},
		{"fc00::1", ClassULA, true},
		{"fd00::5", ClassULA, true},
		{"fe00::1", ClassPublic, false}, // between ULA and link-local: not special here
		{"192.0.2.7", ClassDocumentation, false},
		{"198.51.100.7", ClassDocumentation, false},
		{"203.0.113.7", ClassDocumentation, false},
		{"2001:db8::1", ClassDocumentation, false},
		{"3fff::1", ClassDocumentation, false},
		{"224.0.0.251", ClassMulticast, false},
		{"239.255.255.250", ClassMulticast, false},
		{"ff02::fb", ClassMulticast, false},
		{"0.0.0.0", ClassUnspecified, false},
		{"::", ClassUnspecified, false},
		{"0.1.2.3", ClassReserved, false},
		{"198.18.0.1", ClassReserved, false},
		{"240.0.0.1", ClassReserved, false},
		{"255.255.255.255", ClassReserved, false},
		{"45.9.148.21", ClassPublic, false},
		{"8.8.8.8", ClassPublic, false},
		{"2a01:4f8::1", ClassPublic, false},
		{"::ffff:10.1.2.3", ClassPrivate, true}, // IPv4-mapped is the IPv4 address
		{"::ffff:45.9.148.21", ClassPublic, false},
	}
	for _, c := range cases {
		got := Classify(netip.MustParseAddr(c.addr))
		if got != c.want {
			t.Errorf("Classify(%s) = %v, want %v", c.addr, got, c.want)
		}
		if got.Internal() != c.internal {
			t.Errorf("Classify(%s).Internal() = %v, want %v", c.addr, got.Internal(), c.internal)
		}
		if IsInternal(netip.MustParseAddr(c.addr)) != c.internal {
			t.Errorf("IsInternal(%s) disagrees with Classify", c.addr)
		}
	}
	if Classify(netip.Addr{}) != ClassInvalid {
		t.Error("zero Addr should be invalid")
	}
}

func TestClassNames(t *testing.T) {
	if got := ClassPrivate.String(); got != "internal (RFC 1918)" {
		t.Errorf("ClassPrivate = %q", got)
	}
	if !strings.Contains(ClassShared.String(), "RFC 6598") {
		t.Errorf("ClassShared = %q", ClassShared.String())
	}
	for c := ClassInvalid; c <= ClassPublic; c++ {
		if c.String() == "unknown" || c.String() == "" {
			t.Errorf("class %d has no name", c)
		}
		if strings.HasPrefix(c.String(), "internal") != c.Internal() {
			t.Errorf("class %q: name and Internal() disagree", c)
		}
	}
	if Class(99).String() != "unknown" {
		t.Error("out-of-range class should be unknown")
	}
	if !ClassPublic.Public() || ClassPrivate.Public() {
		t.Error("Public() wrong")
	}
}

func TestEphemeralRanges(t *testing.T) {
	cases := []struct {
		port uint16
		want string
	}{
		{32767, ""},
		{32768, "Linux"},
		{49151, "Linux"},
		{49152, "IANA,Windows,Linux"},
		{60999, "IANA,Windows,Linux"},
		{61000, "IANA,Windows"},
		{65535, "IANA,Windows"},
		{443, ""},
	}
	for _, c := range cases {
		if got := strings.Join(Ephemeral(c.port), ","); got != c.want {
			t.Errorf("Ephemeral(%d) = %q, want %q", c.port, got, c.want)
		}
	}
}

func TestPortRole(t *testing.T) {
	r := PortRole(14444)
	if !r.Mining || r.Service != "" || r.PoolCount == 0 {
		t.Errorf("14444: %+v", r)
	}
	if !strings.Contains(r.String(), "mining pool port") || !strings.Contains(r.String(), "entries in the pool list") {
		t.Errorf("14444 description: %s", r)
	}
	// The pool-list counts are evidence read from the embedded list: 3333
	// and 5555 are the two most frequent ports there (formats.md §4).
	if PortRole(3333).PoolCount < 50 || PortRole(5555).PoolCount < 50 {
		t.Errorf("pool counts too low: 3333=%d 5555=%d", PortRole(3333).PoolCount, PortRole(5555).PoolCount)
	}
	if r := PortRole(443); r.Service != "https" || r.Mining {
		t.Errorf("443: %+v", r)
	}
	if r := PortRole(58080); !r.Mining || len(r.Ephemeral) == 0 {
		t.Errorf("58080 should be both mining and Linux-ephemeral: %+v", r)
	}
	if r := PortRole(12345); r.Server() || !strings.Contains(r.String(), "no known role") {
		t.Errorf("12345: %+v %s", r, r)
	}
	if r := PortRole(0); r.Server() || !strings.Contains(r.String(), "no port") {
		t.Errorf("port 0: %+v %s", r, r)
	}
	if !PortRole(999).Server() {
		t.Error("ports below 1024 are server-like")
	}
}

func TestClientSide(t *testing.T) {
	cases := []struct {
		src, dst uint16
		want     Side
		reason   string
	}{
		{49822, 14444, SideSrc, "mining pool port"},
		{40112, 443, SideSrc, "https"},
		{51000, 22, SideSrc, "ssh"},
		{3333, 50123, SideDst, "reversed"},
		{443, 3333, SideDst, "lower"},
		{3333, 443, SideSrc, "lower"},
		{40000, 20000, SideSrc, "ephemeral"},
		{20000, 40000, SideDst, "reversed"},
		{50000, 50001, SideUnknown, "do not tell"},
		{443, 443, SideUnknown, "do not tell"},
	}
	for _, c := range cases {
		got, why := ClientSide(c.src, c.dst)
		if got != c.want || !strings.Contains(why, c.reason) {
			t.Errorf("ClientSide(%d,%d) = %v %q, want %v containing %q", c.src, c.dst, got, why, c.want, c.reason)
		}
	}
	if SideSrc.String() != "source" || SideDst.String() != "destination" || SideUnknown.String() != "unknown" {
		t.Error("side names")
	}
}
