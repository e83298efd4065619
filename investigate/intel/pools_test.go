package intel

import (
	"bufio"
	"net/netip"
	"os"
	"strings"
	"testing"
)

func TestMatchHostSuffixOnLabelBoundaries(t *testing.T) {
	l := DefaultPools()
	cases := []struct {
		name  string
		ok    bool
		entry string
	}{
		{"xmr-eu1.nanopool.org", true, "xmr-eu1.nanopool.org"},
		{"xmr-zz9.nanopool.org", true, "nanopool.org"},
		{"POOL.SupportXMR.com", true, "pool.supportxmr.com"},
		{"pool.supportxmr.com.", true, "pool.supportxmr.com"}, // trailing dot
		{"a.b.c.SUPPORTXMR.COM", true, "supportxmr.com"},
		{"notnanopool.org", false, ""},
		{"nanopool.org.evil.example", false, ""},
		{"org", false, ""},
		{"", false, ""},
		{"donate.v2.xmrig.com", true, "donate.v2.xmrig.com"},
		{"donate.ssl.xmrig.com", true, "donate.ssl.xmrig.com"},
		{"authedmine.com", true, "authedmine.com"},
		{"coinhive.com", true, "coinhive.com"},
		{"eu.gulf.moneroocean.stream", true, "gulf.moneroocean.stream"},
		{"www.example.com", false, ""},
	}
	for _, c := range cases {
		m, ok := l.MatchHost(c.name)
		if ok != c.ok {
			t.Errorf("MatchHost(%q) = %v, want %v (%+v)", c.name, ok, c.ok, m)
			continue
		}
		if ok && m.Entry != c.entry {
			t.Errorf("MatchHost(%q) entry %q, want %q", c.name, m.Entry, c.entry)
		}
		if ok && (m.Kind != "host" || m.Source == "") {
			t.Errorf("MatchHost(%q): %+v", c.name, m)
		}
	}
}

func TestDefaultPoolsCoverMaltrailFile(t *testing.T) {
	// Every non-comment line of the embedded file must be findable: a
	// parser that silently drops entries would miss pools.
	l := DefaultPools()
	f, err := os.Open("data/crypto_mining.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		n++
		s = strings.TrimPrefix(s, "http://")
		if ap, err := netip.ParseAddrPort(s); err == nil {
			m, ok := l.MatchAddr(ap.Addr(), ap.Port())
			if !ok || !m.PortMatched || m.Kind != "ip:port" {
				t.Errorf("%s: %+v %v", s, m, ok)
			}
			continue
		}
		if _, ok := l.MatchHost(s); !ok {
			t.Errorf("%s not matched", s)
		}
	}
	if n < 1000 {
		t.Errorf("only %d entries read from the embedded list", n)
	}
	hosts, addrs := l.Len()
	if hosts < 390 || addrs < 300 {
		t.Errorf("hosts=%d addrs=%d", hosts, addrs)
	}
	// The embedded copy must not be modified by callers merging into it.
	DefaultPools().Merge(mustLoad(t, "example-pool.test\n"))
	if _, ok := DefaultPools().MatchHost("example-pool.test"); ok {
		t.Error("Merge into DefaultPools() leaked into the shared list")
	}
}

func mustLoad(t *testing.T, s string) *PoolList {
	t.Helper()
	l, err := LoadPools(strings.NewReader(s), "test.txt")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestMatchAddr(t *testing.T) {
	l := mustLoad(t, `# my pools
45.9.148.21
94.130.143.162:45700
94.130.143.162:3333
[2a01:4f8::7]:14444
http://185.141.25.35/path
`)
	m, ok := l.MatchAddr(netip.MustParseAddr("45.9.148.21"), 14444)
	if !ok || m.Kind != "ip" || m.Line != 2 || m.Source != "test.txt" {
		t.Errorf("bare IP: %+v %v", m, ok)
	}
	m, ok = l.MatchAddr(netip.MustParseAddr("94.130.143.162"), 45700)
	if !ok || !m.PortMatched || m.Entry != "94.130.143.162:45700" || m.Line != 3 {
		t.Errorf("ip:port: %+v", m)
	}
	m, ok = l.MatchAddr(netip.MustParseAddr("94.130.143.162"), 443)
	if !ok || m.PortMatched || m.Entry != "94.130.143.162:3333" {
		t.Errorf("ip with other port: %+v", m)
	}
	if !strings.Contains(m.String(), "port differs") {
		t.Errorf("String: %s", m)
	}
	if _, ok := l.MatchAddr(netip.MustParseAddr("2a01:4f8::7"), 14444); !ok {
		t.Error("IPv6 ip:port")
	}
	if _, ok := l.MatchAddr(netip.MustParseAddr("::ffff:45.9.148.21"), 0); !ok {
		t.Error("IPv4-mapped address should match its IPv4 entry")
	}
	if _, ok := l.MatchAddr(netip.MustParseAddr("185.141.25.35"), 0); !ok {
		t.Error("URL entry should reduce to its host")
	}
	if _, ok := l.MatchAddr(netip.MustParseAddr("45.9.148.22"), 0); ok {
		t.Error("addresses match exactly, not by prefix")
	}
	if _, ok := l.MatchHost("45.9.148.21"); !ok {
		t.Error("an IP literal given as a host name should match as an address")
	}
}

func TestLoadPoolsEntriesAndErrors(t *testing.T) {
	l := mustLoad(t, "Pool.Example.COM.\n*.wild.test\n.dot.test\nstratum+tcp://user@host.test:3333/x\nplain.test:4444 # a comment\n")
	for _, h := range []string{"x.pool.example.com", "a.wild.test", "dot.test", "host.test", "plain.test"} {
		if _, ok := l.MatchHost(h); !ok {
			t.Errorf("%s not matched", h)
		}
	}
	bad := []struct{ in, want string }{
		{"ok.test\nbad host.test\n", "test.txt:2:"},
		{"a..b\n", "test.txt:1:"},
		{"host.test:99999\n", "bad port"},
		{"1.2.3.4:0\n", "port 0"},
		{"exa$mple.com\n", "not allowed"},
		{"http:///x\n", "no host"},
	}
	for _, c := range bad {
		_, err := LoadPools(strings.NewReader(c.in), "test.txt")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadPools(%q) error %v, want it to contain %q", c.in, err, c.want)
		}
	}
}

func TestMergeKeepsFirstSource(t *testing.T) {
	a := mustLoad(t, "a.test\n1.1.1.1:3333\n")
	b, _ := LoadPools(strings.NewReader("a.test\nb.test\n1.1.1.1:5555\n1.1.1.1\n"), "b.txt")
	a.Merge(b, nil)
	m, _ := a.MatchHost("a.test")
	if m.Source != "test.txt" {
		t.Errorf("first source should win: %+v", m)
	}
	if m, _ := a.MatchHost("b.test"); m.Source != "b.txt" {
		t.Errorf("merged entry: %+v", m)
	}
	if m, _ := a.MatchAddr(netip.MustParseAddr("1.1.1.1"), 5555); !m.PortMatched {
		t.Errorf("merged ip:port: %+v", m)
	}
	if m, _ := a.MatchAddr(netip.MustParseAddr("1.1.1.1"), 80); m.Kind != "ip" {
		t.Errorf("merged bare ip: %+v", m)
	}
	if c := a.PortCounts(); c[3333] != 1 || c[5555] != 1 {
		t.Errorf("PortCounts: %v", c)
	}
}

func FuzzLoadPools(f *testing.F) {
	f.Add("nanopool.org\n1.2.3.4:3333\n# c\nhttp://5.6.7.8/x\n")
	f.Add("[::1]:80\n*.a.b\n")
	f.Add("a:b:c\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := LoadPools(strings.NewReader(in), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error does not name the source: %v", err)
			}
			return
		}
		// Whatever loaded must be matchable without panics, and every
		// host entry must match itself.
		for h := range l.hosts {
			if _, ok := l.MatchHost(h); !ok {
				t.Fatalf("entry %q does not match itself", h)
			}
		}
		for ip := range l.ips {
			if _, ok := l.MatchAddr(ip, 0); !ok {
				t.Fatalf("address %s does not match itself", ip)
			}
		}
	})
}
