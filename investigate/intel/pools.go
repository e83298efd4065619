package intel

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// maltrailList is Maltrail's trails/static/suspicious/crypto_mining.txt
// (MIT, see data/LICENSE and data/NOTICE.md).
//
//go:embed data/crypto_mining.txt
var maltrailList string

// MaltrailSource names the embedded list in matches.
const MaltrailSource = "maltrail crypto_mining.txt"

// extraSource names the pools added in code.
const extraSource = "minertriage well-known pools"

// extraPools are well-known pools from the research notes (formats.md §4)
// that an analyst expects to be recognised: the Sigma Monero pool FQDNs,
// XMRig's donation hosts and the browser-mining services. Duplicates of the
// Maltrail list are harmless: the first source listed wins.
var extraPools = []string{
	"pool.minexmr.com", "fr.minexmr.com", "de.minexmr.com", "sg.minexmr.com",
	"ca.minexmr.com", "us-west.minexmr.com", "pool.supportxmr.com",
	"mine.c3pool.com", "xmr-eu1.nanopool.org", "xmr-eu2.nanopool.org",
	"xmr-us-east1.nanopool.org", "xmr-us-west1.nanopool.org",
	"xmr-asia1.nanopool.org", "xmr-jp1.nanopool.org", "xmr-au1.nanopool.org",
	"xmr.2miners.com", "xmr.hashcity.org", "xmr.f2pool.com", "xmrpool.eu",
	"pool.hashvault.pro", "moneroocean.stream", "monerocean.stream",
	"supportxmr.com", "nanopool.org", "c3pool.com", "c3pool.org",
	"2miners.com", "hashvault.pro", "herominers.com", "minergate.com",
	"nicehash.com", "ethermine.org", "unmineable.com", "kryptex.network",
	"donate.v2.xmrig.com", "donate.ssl.xmrig.com", "fee.xmrig.com",
	"randomx.xmrig.com", "coinhive.com", "authedmine.com",
}

// Match says which list entry matched and why.
type Match struct {
	Entry       string `json:"entry"`        // the entry as normalised: "nanopool.org", "1.2.3.4", "1.2.3.4:3333"
	Source      string `json:"source"`       // list name: "maltrail crypto_mining.txt", a --pools file …
	Line        int    `json:"line"`         // line in the source (0 for entries added in code)
	Kind        string `json:"kind"`         // "host", "ip" or "ip:port"
	PortMatched bool   `json:"port_matched"` // for "ip:port" entries: the port matched too
}

// String is e.g. `nanopool.org (maltrail crypto_mining.txt:123)`.
func (m Match) String() string {
	s := m.Entry
	if m.Kind == "ip:port" && !m.PortMatched {
		s += " (address only; port differs)"
	}
	if m.Line > 0 {
		return fmt.Sprintf("%s (%s:%d)", s, m.Source, m.Line)
	}
	return fmt.Sprintf("%s (%s)", s, m.Source)
}

type origin struct {
	source string
	line   int
}

type ipEntry struct {
	any   *origin           // a bare IP entry
	ports map[uint16]origin // IP:port entries
}

// PoolList is a set of mining-pool host names (matched by suffix on label
// boundaries, case-insensitively) and addresses (matched exactly). The zero
// value is not usable; use NewPoolList, DefaultPools or LoadPools. A
// PoolList is not safe for concurrent modification, but concurrent matching
// is fine.
type PoolList struct {
	hosts map[string]origin
	ips   map[netip.Addr]*ipEntry
}

// NewPoolList returns an empty list.
func NewPoolList() *PoolList {
	return &PoolList{hosts: map[string]origin{}, ips: map[netip.Addr]*ipEntry{}}
}

var defaultPools = sync.OnceValue(func() *PoolList {
	l, err := LoadPools(strings.NewReader(maltrailList), MaltrailSource)
	if err != nil {
		panic("intel: embedded pool list: " + err.Error()) // a broken embed is a build bug
	}
	for _, h := range extraPools {
		if _, ok := l.hosts[h]; !ok {
			l.hosts[h] = origin{source: extraSource}
		}
	}
	return l
})

// DefaultPools returns a copy of the built-in list (Maltrail's
// crypto_mining trail plus the well-known pools), which the caller may
// Merge into freely.
func DefaultPools() *PoolList {
	return NewPoolList().Merge(defaultPools())
}

// Len is the number of host and address entries.
func (l *PoolList) Len() (hosts, addrs int) { return len(l.hosts), len(l.ips) }

// Merge adds every entry of others to l (entries l already has keep their
// first source) and returns l.
func (l *PoolList) Merge(others ...*PoolList) *PoolList {
	for _, o := range others {
		if o == nil {
			continue
		}
		for h, org := range o.hosts {
			if _, ok := l.hosts[h]; !ok {
				l.hosts[h] = org
			}
		}
		for ip, e := range o.ips {
			if e.any != nil {
				l.addIP(ip, 0, false, *e.any)
			}
			for p, org := range e.ports {
				l.addIP(ip, p, true, org)
			}
		}
	}
	return l
}

func (l *PoolList) addIP(ip netip.Addr, port uint16, hasPort bool, org origin) {
	e := l.ips[ip]
	if e == nil {
		e = &ipEntry{}
		l.ips[ip] = e
	}
	if !hasPort {
		if e.any == nil {
			o := org
			e.any = &o
		}
		return
	}
	if e.ports == nil {
		e.ports = map[uint16]origin{}
	}
	if _, ok := e.ports[port]; !ok {
		e.ports[port] = org
	}
}

// NormalizeHost lower-cases name and drops a trailing dot, the form host
// names are compared in.
func NormalizeHost(name string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
}

// MatchHost reports whether name or one of its parent domains is on the
// list: "xmr-eu1.nanopool.org" matches the entry "nanopool.org", but
// "notnanopool.org" does not (suffixes count only on label boundaries).
// Case and a trailing dot are ignored. A name that is an IP address literal
// is matched as an address.
func (l *PoolList) MatchHost(name string) (Match, bool) {
	h := NormalizeHost(name)
	if h == "" {
		return Match{}, false
	}
	if a, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return l.MatchAddr(a, 0)
	}
	for s := h; s != ""; {
		if org, ok := l.hosts[s]; ok {
			return Match{Entry: s, Source: org.source, Line: org.line, Kind: "host"}, true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			break
		}
		s = s[i+1:]
	}
	return Match{}, false
}

// MatchAddr reports whether addr is on the list, as a bare address or as
// an IP:port entry. Port 0 means "unknown". An IP:port entry matches the
// address whatever the port, and PortMatched says whether the port agreed:
// pools move ports more often than addresses.
func (l *PoolList) MatchAddr(addr netip.Addr, port uint16) (Match, bool) {
	addr = addr.Unmap().WithZone("")
	e := l.ips[addr]
	if e == nil {
		return Match{}, false
	}
	if org, ok := e.ports[port]; ok && port != 0 {
		return Match{Entry: netip.AddrPortFrom(addr, port).String(), Source: org.source, Line: org.line, Kind: "ip:port", PortMatched: true}, true
	}
	if e.any != nil {
		return Match{Entry: addr.String(), Source: e.any.source, Line: e.any.line, Kind: "ip"}, true
	}
	// Only IP:port entries with other ports: report the first by port number.
	ports := make([]int, 0, len(e.ports))
	for p := range e.ports {
		ports = append(ports, int(p))
	}
	sort.Ints(ports)
	org := e.ports[uint16(ports[0])]
	return Match{Entry: netip.AddrPortFrom(addr, uint16(ports[0])).String(), Source: org.source, Line: org.line, Kind: "ip:port"}, true
}

// PortCounts counts the IP:port entries per port: the evidence that a port
// is a pool port.
func (l *PoolList) PortCounts() map[uint16]int {
	c := map[uint16]int{}
	for _, e := range l.ips {
		for p := range e.ports {
			c[p]++
		}
	}
	return c
}

// LoadPools reads a pool list, one entry a line: a host name, an IP
// address, IP:port ([v6]:port for IPv6), or a URL whose host is kept
// ("http://1.2.3.4/x" → 1.2.3.4, "pool.example.com:3333/path" →
// pool.example.com). Blank lines and lines starting with '#' are skipped,
// and so is a trailing " # comment". source names the list in matches and
// errors; an error names source:line.
func LoadPools(r io.Reader, source string) (*PoolList, error) {
	l := NewPoolList()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if i := strings.Index(s, "#"); i >= 0 {
			s = strings.TrimSpace(s[:i])
		}
		if s == "" {
			continue
		}
		if err := l.addEntry(s, origin{source: source, line: line}); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", source, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", source, line+1, err)
	}
	return l, nil
}

func (l *PoolList) addEntry(s string, org origin) error {
	if strings.ContainsAny(s, " \t") {
		return fmt.Errorf("entry %q has spaces: one host, address or address:port a line", s)
	}
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:] // user:pass@host
	}
	if s == "" {
		return fmt.Errorf("entry has no host")
	}
	if a, err := netip.ParseAddr(s); err == nil {
		l.addIP(a.Unmap().WithZone(""), 0, false, org)
		return nil
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return fmt.Errorf("entry %q has port 0", s)
		}
		l.addIP(ap.Addr().Unmap().WithZone(""), ap.Port(), true, org)
		return nil
	}
	host := s
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[:i], ":") {
		p, err := strconv.ParseUint(s[i+1:], 10, 16)
		if err != nil || p == 0 {
			return fmt.Errorf("entry %q: bad port %q", s, s[i+1:])
		}
		host = s[:i]
	}
	// "*.pool.example" and ".pool.example" mean what a plain entry
	// already means: the domain and everything under it.
	host = strings.TrimPrefix(strings.TrimPrefix(NormalizeHost(host), "*."), ".")
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		l.addIP(a.Unmap().WithZone(""), 0, false, org) // "1.2.3.4." or "[::1]": still an address
		return nil
	}
	if err := validHost(host); err != nil {
		return fmt.Errorf("entry %q: %w", s, err)
	}
	if _, ok := l.hosts[host]; !ok {
		l.hosts[host] = org
	}
	return nil
}

// validHost accepts DNS names made of letters, digits, '-' and '_' (seen in
// real lists) with dots between non-empty labels.
func validHost(h string) error {
	if h == "" || len(h) > 253 {
		return fmt.Errorf("not a host name")
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("empty or over-long label in host name")
		}
		for _, c := range []byte(label) {
			ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				return fmt.Errorf("character %q is not allowed in a host name", c)
			}
		}
	}
	return nil
}
