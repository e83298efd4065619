package intel

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Owner is who announces an address range, from an iptoasn.com table.
type Owner struct {
	ASN     uint32 `json:"asn"`
	Country string `json:"country"` // ISO 3166 code; "None" in the table means unknown and is kept empty
	Name    string `json:"name"`    // AS description, e.g. "OVH"
}

// hostingMarkers are substrings of AS descriptions (upper-cased) of
// providers that rent servers by the hour: where pools and miner C2 live.
// Matched at the start of a word so "OVH" does not match "GROVHILL" while
// "CLOUDFLARENET" and "OVHCLOUD" still count.
var hostingMarkers = []struct{ marker, name string }{
	{"OVH", "OVH"}, {"HETZNER", "Hetzner"}, {"DIGITALOCEAN", "DigitalOcean"},
	{"AMAZON", "Amazon"}, {"AWS", "Amazon"}, {"GOOGLE", "Google"},
	{"MICROSOFT", "Microsoft"}, {"CONTABO", "Contabo"}, {"LINODE", "Linode"},
	{"AKAMAI CONNECTED CLOUD", "Linode (Akamai)"}, {"VULTR", "Vultr"},
	{"CHOOPA", "Vultr (Choopa)"},
	{"ALIBABA", "Alibaba Cloud"}, {"TENCENT", "Tencent Cloud"},
	{"ORACLE", "Oracle Cloud"}, {"SCALEWAY", "Scaleway"},
	{"ONLINE S.A.S", "Scaleway (Online)"}, {"LEASEWEB", "Leaseweb"},
	{"IONOS", "IONOS"}, {"1&1", "IONOS"}, {"HOSTINGER", "Hostinger"},
	{"M247", "M247"}, {"CHINANET CLOUD", "ChinaNet Cloud"},
	{"SELECTEL", "Selectel"}, {"TIMEWEB", "Timeweb"}, {"KAMATERA", "Kamatera"},
	{"CLOUDFLARE", "Cloudflare"}, {"HUAWEI CLOUD", "Huawei Cloud"},
	{"FRANTECH", "BuyVM (FranTech)"}, {"PSYCHZ", "Psychz"}, {"QUADRANET", "QuadraNet"},
}

// HostingProvider reports whether the owner's AS description names a
// well-known hosting or cloud provider, and which.
func (o Owner) HostingProvider() (string, bool) {
	desc := strings.ToUpper(o.Name)
	for _, h := range hostingMarkers {
		for i := 0; ; {
			j := strings.Index(desc[i:], h.marker)
			if j < 0 {
				break
			}
			at := i + j
			if at == 0 || !isAlnum(desc[at-1]) {
				return h.name, true
			}
			i = at + 1
		}
	}
	return "", false
}

func isAlnum(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// String is e.g. "AS16276 OVH (FR)".
func (o Owner) String() string {
	s := fmt.Sprintf("AS%d %s", o.ASN, o.Name)
	if o.Country != "" {
		s += " (" + o.Country + ")"
	}
	return s
}

type ownerRange struct {
	start, end netip.Addr
	owner      Owner
}

// Owners maps addresses to owners by binary search over sorted,
// non-overlapping ranges.
type Owners struct {
	ranges []ownerRange
}

// Len is the number of ranges loaded.
func (o *Owners) Len() int {
	if o == nil {
		return 0
	}
	return len(o.ranges)
}

// LoadOwners reads an address→owner table in the iptoasn.com TSV format
// (ip2asn-v4.tsv, ip2asn-v6.tsv or ip2asn-combined.tsv, uncompressed), one
// range a line:
//
//	range_start <TAB> range_end <TAB> AS_number <TAB> country_code <TAB> AS_description
//
// e.g. "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET". Rows with AS number
// 0 ("Not routed") are skipped. Blank lines and '#' comments are allowed.
// Overlapping ranges are an error. source names the table in errors, which
// say source:line.
func LoadOwners(r io.Reader, source string) (*Owners, error) {
	o := &Owners{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		rg, skip, err := parseOwnerLine(s)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", source, line, err)
		}
		if !skip {
			o.ranges = append(o.ranges, rg)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", source, line+1, err)
	}
	sort.SliceStable(o.ranges, func(i, j int) bool { return o.ranges[i].start.Less(o.ranges[j].start) })
	for i := 1; i < len(o.ranges); i++ {
		prev, cur := o.ranges[i-1], o.ranges[i]
		if prev.start.Is4() == cur.start.Is4() && !prev.end.Less(cur.start) {
			return nil, fmt.Errorf("%s: ranges %s–%s and %s–%s overlap", source, prev.start, prev.end, cur.start, cur.end)
		}
	}
	return o, nil
}

func parseOwnerLine(s string) (ownerRange, bool, error) {
	f := strings.SplitN(s, "\t", 5)
	if len(f) < 4 {
		return ownerRange{}, false, fmt.Errorf("want 5 tab-separated fields (range_start, range_end, AS_number, country_code, AS_description), got %d", len(f))
	}
	start, err := netip.ParseAddr(strings.TrimSpace(f[0]))
	if err != nil {
		return ownerRange{}, false, fmt.Errorf("range_start %q is not an IP address", f[0])
	}
	end, err := netip.ParseAddr(strings.TrimSpace(f[1]))
	if err != nil {
		return ownerRange{}, false, fmt.Errorf("range_end %q is not an IP address", f[1])
	}
	start, end = start.Unmap().WithZone(""), end.Unmap().WithZone("")
	if start.Is4() != end.Is4() {
		return ownerRange{}, false, fmt.Errorf("range %s–%s mixes IPv4 and IPv6", start, end)
	}
	if end.Less(start) {
		return ownerRange{}, false, fmt.Errorf("range_end %s is before range_start %s", end, start)
	}
	asn, err := strconv.ParseUint(strings.TrimSpace(f[2]), 10, 32)
	if err != nil {
		return ownerRange{}, false, fmt.Errorf("AS_number %q is not a number", f[2])
	}
	if asn == 0 {
		return ownerRange{}, true, nil
	}
	country := strings.TrimSpace(f[3])
	if country == "None" {
		country = ""
	}
	name := ""
	if len(f) == 5 {
		name = strings.TrimSpace(f[4])
	}
	return ownerRange{start: start, end: end, owner: Owner{ASN: uint32(asn), Country: country, Name: name}}, false, nil
}

// Owner returns who owns addr, if the table covers it.
func (o *Owners) Owner(addr netip.Addr) (Owner, bool) {
	if o == nil || !addr.IsValid() {
		return Owner{}, false
	}
	addr = addr.Unmap().WithZone("")
	// The last range starting at or before addr is the only candidate.
	i := sort.Search(len(o.ranges), func(i int) bool { return addr.Less(o.ranges[i].start) }) - 1
	if i < 0 {
		return Owner{}, false
	}
	rg := o.ranges[i]
	if rg.start.Is4() != addr.Is4() || rg.end.Less(addr) {
		return Owner{}, false
	}
	return rg.owner, true
}
