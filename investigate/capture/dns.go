package capture

import (
	"net/netip"
	"strings"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// dnsTable collects name → address answers and CNAME chains.
type dnsTable struct {
	order  []string                // names in order of first answer
	addrs  map[string][]netip.Addr // name → addresses answered for it directly
	cname  map[string]string       // alias → canonical name
	byAddr map[netip.Addr]string   // address → the name the client asked for
	seen   map[string]map[netip.Addr]bool
	msg    layers.DNS
}

func newDNSTable() *dnsTable {
	return &dnsTable{addrs: map[string][]netip.Addr{}, cname: map[string]string{},
		byAddr: map[netip.Addr]string{}, seen: map[string]map[netip.Addr]bool{}}
}

// maxDNSNames bounds the table against a flood of answers.
const maxDNSNames = 4096

// add parses one DNS message; only responses with answers matter.
func (t *dnsTable) add(payload []byte) {
	if len(payload) < 12 || payload[2]&0x80 == 0 { // QR bit: responses only
		return
	}
	if t.msg.DecodeFromBytes(payload, gopacket.NilDecodeFeedback) != nil {
		return
	}
	for _, a := range t.msg.Answers {
		name := strings.ToLower(strings.TrimSuffix(string(a.Name), "."))
		switch a.Type {
		case layers.DNSTypeA, layers.DNSTypeAAAA:
			ip, ok := netip.AddrFromSlice(a.IP)
			if ok {
				t.addAddr(name, ip.Unmap())
			}
		case layers.DNSTypeCNAME:
			if len(t.cname) < maxDNSNames {
				t.cname[name] = strings.ToLower(strings.TrimSuffix(string(a.CNAME), "."))
			}
		}
	}
	// The name the client asked for is what an analyst recognises.
	for _, q := range t.msg.Questions {
		asked := strings.ToLower(strings.TrimSuffix(string(q.Name), "."))
		for _, ip := range t.resolve(asked) {
			t.byAddr[ip] = asked
			t.addAddr(asked, ip)
		}
	}
}

func (t *dnsTable) addAddr(name string, ip netip.Addr) {
	s := t.seen[name]
	if s == nil {
		if len(t.seen) >= maxDNSNames {
			return
		}
		s = map[netip.Addr]bool{}
		t.seen[name] = s
		t.order = append(t.order, name)
	}
	if s[ip] {
		return
	}
	s[ip] = true
	t.addrs[name] = append(t.addrs[name], ip)
	if _, ok := t.byAddr[ip]; !ok {
		t.byAddr[ip] = name
	}
}

// resolve follows the CNAME chain from name to the addresses at its end.
func (t *dnsTable) resolve(name string) []netip.Addr {
	for i := 0; i < 16; i++ {
		if a := t.addrs[name]; len(a) > 0 {
			return a
		}
		next, ok := t.cname[name]
		if !ok {
			return nil
		}
		name = next
	}
	return nil
}

// answers renders the table in the JSON shape.
func (t *dnsTable) answers() []DNSAnswer {
	out := make([]DNSAnswer, 0, len(t.order))
	for _, name := range t.order {
		a := DNSAnswer{Name: name, Answers: make([]string, 0, len(t.addrs[name]))}
		for _, ip := range t.addrs[name] {
			a.Answers = append(a.Answers, ip.String())
		}
		out = append(out, a)
	}
	return out
}
