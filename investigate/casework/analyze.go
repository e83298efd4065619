package casework

import (
	"context"
	"net/netip"
	"strings"

	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/intel"
)

// Analyze runs every step for one alert: it loads the alert, the pair's
// flows within FlowWindow of the alert time, the blast radius (every flow
// to the destination), the linked captures (analysed once, then cached by
// sha256) with their Stratum sessions, and the decision history; then it
// writes a finding per step and the suggested verdict.
func (s *Service) Analyze(ctx context.Context, alertID string) (*Analysis, error) {
	rec, err := s.repo.Alert(alertID)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Alert: rec.Alert, Record: rec}
	al := rec.Alert
	a.Src, a.Dst = s.endpoint(al.Src, al.SrcPort), s.endpoint(al.Dst, al.DstPort)
	side, why := intel.ClientSide(al.SrcPort, al.DstPort)
	a.Client, a.ClientWhy = side.String(), why

	if err := s.gatherFlows(a); err != nil {
		return nil, err
	}
	if err := s.gatherCaptures(ctx, a); err != nil {
		return nil, err
	}
	gatherPayload(a)
	if err := s.finish(a); err != nil {
		return nil, err
	}
	return a, nil
}

// finish runs what follows the evidence: pool names, decisions, timing,
// the allow-list, the findings and the suggestion.
func (s *Service) finish(a *Analysis) error {
	var err error
	a.Pools = nil
	s.poolHits(a)
	if a.Decisions, err = s.repo.Decisions(a.Alert.ID); err != nil {
		return err
	}
	if a.Decisions == nil {
		a.Decisions = []Decision{}
	}
	a.Timing = timing(a.Record, a.Decisions)
	var logins []string
	for _, ss := range a.Sessions {
		logins = uniq(logins, ss.Login)
	}
	a.Authorized = s.opts.Authorized.Match(a.Alert.Src, logins)
	a.runSteps()
	return nil
}

// runSteps writes the findings and the suggestion from the gathered
// evidence.
func (a *Analysis) runSteps() {
	cf := a.captureFacts()
	a.Steps = []Finding{
		a.findAddresses(),
		a.findApplication(cf),
		a.findNetflow(),
		a.findCapture(cf),
		a.findStratum(cf),
	}
	a.Suggestion = a.suggest(cf)
}

// pools is the mining-pool list in use: the user's lists merged into the
// default one, or the default.
func (s *Service) pools() *intel.PoolList {
	if s.opts.Pools != nil {
		return s.opts.Pools
	}
	return intel.DefaultPools()
}

// endpoint classifies one side of the alert.
func (s *Service) endpoint(addr netip.Addr, port uint16) Endpoint {
	c := intel.Classify(addr)
	role := intel.PortRole(port)
	e := Endpoint{Addr: addr, Port: port, Class: c.String(), Internal: c.Internal(), PortRole: role.String(), MiningPort: role.Mining}
	if s.opts.Owners != nil && !e.Internal {
		if o, ok := s.opts.Owners.Owner(addr); ok {
			e.Owner = o.String()
			_, e.Hosting = o.HostingProvider()
		}
	}
	return e
}

// poolHits collects every name seen for the destination (alert URL, DNS
// answers, TLS SNI, Stratum) and the address itself, each checked against
// the pool list.
func (s *Service) poolHits(a *Analysis) {
	list := s.pools()
	seenHost := map[string]bool{}
	addName := func(host, where string) {
		host = strings.TrimSuffix(strings.TrimSpace(host), ".")
		key := strings.ToLower(host)
		if host == "" || seenHost[key] {
			return
		}
		seenHost[key] = true
		h := PoolHit{Host: host, Seen: where}
		if m, ok := list.MatchHost(host); ok {
			h.Known, h.Match = true, m.String()
		}
		a.Pools = append(a.Pools, h)
	}
	if h := urlHost(a.Alert.URL); h != "" {
		addName(h, seenAlertURL)
	}
	dst := a.Alert.Dst.String()
	for _, c := range a.Captures {
		if c.Result == nil {
			continue
		}
		for _, d := range c.Result.DNS {
			for _, ans := range d.Answers {
				if ans == dst {
					addName(d.Name, seenDNS)
					break
				}
			}
		}
		for _, conv := range pairConversations(c.Result, a.Alert.Src, a.Alert.Dst) {
			addName(conv.SNI, seenSNI)
		}
		for _, t := range c.Result.TLS {
			if samePair(t.Client, t.Server, a.Alert.Src, a.Alert.Dst) {
				addName(t.SNI, seenSNI)
			}
		}
	}
	for _, ss := range a.Sessions {
		addName(ss.PoolHost, seenStratum)
	}
	for _, ss := range a.TLSSessions {
		addName(ss.PoolHost, seenSNI) // the ClientHello named it (else DNS did, added above)
	}
	h := PoolHit{Host: dst, Seen: seenAddress}
	if m, ok := list.MatchAddr(a.Alert.Dst, a.Alert.DstPort); ok {
		h.Known, h.Match = true, m.String()
	}
	a.Pools = append(a.Pools, h)
}

// urlHost takes the host out of a URL/Filename field: "pool.x.com/",
// "http://pool.x.com:3333/path", "stratum+tcp://user@pool.x.com:3333".
func urlHost(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	if ap, err := netip.ParseAddrPort(u); err == nil {
		return ap.Addr().String()
	}
	if i := strings.LastIndexByte(u, ':'); i >= 0 && !strings.Contains(u[:i], ":") {
		u = u[:i]
	}
	u = strings.Trim(u, "[]")
	if u == "" || strings.ContainsAny(u, " \t") || !strings.Contains(u, ".") && !strings.Contains(u, ":") {
		return ""
	}
	return u
}

// gatherFlows analyses the pair's flows in the window around the alert and
// the other internal sources reaching the destination.
func (s *Service) gatherFlows(a *Analysis) error {
	al := a.Alert
	if !al.Time.IsZero() {
		a.FlowFrom, a.FlowTo = al.Time.Add(-FlowWindow).UTC(), al.Time.Add(FlowWindow).UTC()
	}
	flows, err := s.repo.PairFlows(al.Src, al.Dst, a.FlowFrom, a.FlowTo)
	if err != nil {
		return err
	}
	// The pair as the alert names it; reversed records (the destination
	// opened the session) are analysed only when there is nothing else.
	var fwd, rev []flow.Flow
	for _, f := range flows {
		a.flowFiles = uniq(a.flowFiles, f.File)
		if f.Src == al.Src && f.Dst == al.Dst {
			fwd = append(fwd, f)
		} else {
			rev = append(rev, f)
		}
	}
	if len(fwd) == 0 {
		fwd = rev
	}
	if len(fwd) > 0 {
		p := flow.AnalyzePair(fwd, flow.Options{})
		a.Pair = &p
	}
	to, err := s.repo.FlowsTo(al.Dst)
	if err != nil {
		return err
	}
	for _, p := range flow.BlastRadius(to, al.Dst, intel.IsInternal) {
		if p.Src != al.Src {
			a.BlastRadius = append(a.BlastRadius, p)
		}
	}
	return nil
}
