package casework

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minertriage/minertriage/investigate/capture"
)

// captureFacts sums up what the linked captures hold for the alert's pair.
type captureFacts struct {
	files    int                    // captures linked
	analysed int                    // captures analysed without error
	convs    []capture.Conversation // the pair's conversations
	payload  bool                   // a pair conversation carried client payload in the clear
	tls      bool                   // a pair conversation was TLS
	apps     []string               // applications seen on the pair
}

// captureFacts gathers the capture evidence for the alert's pair.
func (a *Analysis) captureFacts() captureFacts {
	var cf captureFacts
	cf.files = len(a.Captures)
	for _, c := range a.Captures {
		if c.Result == nil {
			continue
		}
		cf.analysed++
		for _, conv := range pairConversations(c.Result, a.Alert.Src, a.Alert.Dst) {
			cf.convs = append(cf.convs, conv)
			cf.apps = uniq(cf.apps, conv.App)
			if conv.App == "tls" || conv.SNI != "" {
				cf.tls = true
			} else if conv.Proto == "tcp" && conv.BytesToServer > 0 {
				cf.payload = true
			}
		}
	}
	return cf
}

// knownPool returns the first pool-list hit for the destination, preferring
// a host name over the bare address.
func (a *Analysis) knownPool() (PoolHit, bool) {
	var addrHit *PoolHit
	for i, p := range a.Pools {
		if !p.Known {
			continue
		}
		if p.Seen == seenAddress {
			addrHit = &a.Pools[i]
			continue
		}
		return p, true
	}
	if addrHit != nil {
		return *addrHit, true
	}
	return PoolHit{}, false
}

// Where a pool name was seen.
const (
	seenAlertURL = "alert URL"
	seenDNS      = "DNS answer"
	seenSNI      = "TLS SNI"
	seenStratum  = "Stratum"
	seenAddress  = "destination address"
)

// where names an endpoint's class in a word for summaries.
func where(e Endpoint) string {
	if e.Internal {
		return "internal"
	}
	if e.Class == "" {
		return "unknown"
	}
	return e.Class
}

// dstLabel appends "45.9.148.21:80 (pool.supportxmr.com, a known pool)" to l.
func (a *Analysis) dstLabel(l *line) *line {
	l.h(addrPort(a.Dst.Addr, a.Dst.Port))
	if p, ok := a.knownPool(); ok {
		if p.Seen == seenAddress {
			return l.t(" (%s, on the mining-pool list)", where(a.Dst))
		}
		return l.t(" (").h(p.Host).t(", a known pool)")
	}
	return l.t(" (%s)", where(a.Dst))
}

// findAddresses is step 1: who the two hosts are and who opened the
// connection.
func (a *Analysis) findAddresses() Finding {
	b := &finding{f: Finding{Step: StepAddresses, Title: "Addresses and ports"}}
	src, dst := a.Src, a.Dst
	_, known := a.knownPool()
	switch {
	case a.Client == "destination":
		b.summary(newLine("").h(dst.Addr.String()).t(" (%s) opened the connection to ", where(dst)).
			h(addrPort(src.Addr, src.Port)).t(" (%s): the alert's source is the server", where(src)))
	case a.Client == "source":
		b.f.Summary, b.summaryMD = a.addrSummary(true)
	default:
		b.f.Summary, b.summaryMD = a.addrSummary(false)
	}
	switch {
	case src.Internal && known:
		b.f.Status = StatusSupports
	case src.Internal && !dst.Internal && a.Client == "source":
		b.f.Status = StatusSupports
	case src.Internal && dst.Internal:
		b.f.Status = StatusAgainst
	case !src.Internal && dst.Internal:
		b.f.Status = StatusAgainst
	default:
		b.f.Status = StatusNeutral
	}
	b.detail(newLine("source ").h(src.Addr.String()).t(": %s; port %s", src.Class, src.PortRole))
	b.detail(newLine("destination ").h(dst.Addr.String()).t(": %s; port %s", dst.Class, dst.PortRole))
	b.detailf("client side: %s (%s)", a.Client, a.ClientWhy)
	switch {
	case src.Internal && dst.Internal:
		b.detailf("both hosts are inside the network: an internal JSON-RPC service is more likely than a pool, unless the destination is a mining proxy")
	case !src.Internal && dst.Internal:
		b.detailf("the source is outside and the destination inside: inbound traffic, not a miner calling out")
	}
	for _, p := range a.Pools {
		l := newLine("").h(p.Host).t(" (%s): ", p.Seen)
		if p.Known {
			l.t("on the mining-pool list as ").h(p.Match)
		} else {
			l.t("not on the mining-pool list")
		}
		b.detail(l)
	}
	if n := len(a.BlastRadius); n > 0 {
		verb := "reach"
		if n == 1 {
			verb = "reaches"
		}
		b.detail(newLine("blast radius: %s %s ", plural(n, "other internal host"), verb).h(dst.Addr.String()).t(" (see netflow)"))
	}
	if dst.Owner != "" {
		l := newLine("owner of ").h(dst.Addr.String()).t(": ").u(dst.Owner)
		if dst.Hosting {
			l.t(" (a hosting provider: rented servers are where pools and proxies run)")
		}
		b.detail(l)
	}
	return b.done()
}

// addrSummary writes the addresses step's one line.
func (a *Analysis) addrSummary(srcOpened bool) (string, string) {
	src := a.Src
	if srcOpened {
		l := newLine("").h(src.Addr.String()).t(" (%s) opened the connection from port %d to ", where(src), src.Port)
		return a.dstLabel(l).text()
	}
	l := newLine("").h(addrPort(src.Addr, src.Port)).t(" (%s) and ", where(src))
	return a.dstLabel(l).t("; the ports do not tell which side opened the connection").text()
}

// findApplication is step 2: what the firewall and the captures say the
// traffic is.
func (a *Analysis) findApplication(cf captureFacts) Finding {
	b := &finding{f: Finding{Step: StepApplication, Title: "Application"}}
	al := a.Alert
	l := newLine("App-ID ").u(orNone(al.App)).t(", threat ").u(al.Threat).t(" (%d", al.ThreatID)
	if al.Category != "" {
		l.t(", ").u(al.Category)
	}
	l.t(")")
	p, known := a.knownPool()
	if known && p.Seen != seenAddress {
		l.t("; pool name ").h(p.Host).t(" is a known pool (%s)", p.Seen)
	}
	methods, algos := a.stratumVocabulary()
	if len(methods) > 0 {
		l.t("; Stratum methods ")
		listUntrusted(l, methods, 6)
	}
	if len(algos) > 0 {
		l.t("; algorithm ")
		listUntrusted(l, algos, 4)
	}
	b.summary(l)
	switch {
	case known && p.Seen != seenAddress, a.anyStratum():
		b.f.Status = StatusSupports
	case cf.payload:
		b.f.Status = StatusAgainst
	default:
		b.f.Status = StatusNeutral
	}
	b.detail(newLine("firewall App-ID: ").u(orNone(al.App)))
	b.detail(newLine("threat: ").u(al.Threat).t(" (%d), category ", al.ThreatID).u(orNone(al.Category)).
		t(", severity ").u(orNone(al.Severity)).t(", action ").u(orNone(al.Action)))
	if al.URL != "" {
		b.detail(newLine("alert URL field: ").h(al.URL))
	}
	for _, p := range a.Pools {
		if p.Seen == seenAddress {
			continue
		}
		l := newLine("pool name ").h(p.Host).t(" from the %s: ", p.Seen)
		if p.Known {
			b.detail(l.t("known pool, list entry ").h(p.Match))
		} else {
			b.detail(l.t("not on the pool list"))
		}
	}
	if len(cf.apps) > 0 {
		l := newLine("applications the capture decoded on the pair: ")
		listUntrusted(l, cf.apps, 8)
		b.detail(l)
	}
	if len(methods) > 0 {
		l := newLine("Stratum methods seen: ")
		listUntrusted(l, methods, 20)
		b.detail(l)
	}
	if len(algos) > 0 {
		l := newLine("algorithms named: ")
		listUntrusted(l, algos, 20)
		b.detail(l)
	}
	if cf.payload && !a.anyStratum() {
		b.detailf("the capture holds the pair's payload in the clear and it is not Stratum: a JSON-RPC service, not a pool")
	}
	return b.done()
}

// stratumVocabulary lists the methods and algorithms of the pair's Stratum
// sessions, in order of first appearance.
func (a *Analysis) stratumVocabulary() (methods, algos []string) {
	for _, s := range a.Sessions {
		for _, m := range s.Messages {
			methods = uniq(methods, m.Method)
		}
		for _, st := range s.Steps {
			methods = uniq(methods, st.Method)
		}
		algos = uniq(algos, s.Algorithms...)
	}
	return methods, algos
}

// listUntrusted appends up to max untrusted values as "a, b, c (+n more)".
func listUntrusted(l *line, vals []string, limit int) {
	for i, v := range vals {
		if i == limit {
			l.t(" (+%d more)", len(vals)-limit)
			return
		}
		if i > 0 {
			l.t(", ")
		}
		l.u(v)
	}
}

// orNone returns s, or "(none)" when empty.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// dedupeSorted is a sorted copy without duplicates.
func dedupeSorted(v []string) []string {
	s := slices.Clone(v)
	slices.Sort(s)
	return slices.Compact(s)
}

// fmtPorts writes destination ports as "80, 443".
func fmtPorts(p []uint16) string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}
