package casework

import (
	"strings"

	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// Weights of a reason: strong evidence alone can carry a verdict, medium
// needs company, weak only tips a balance.
const (
	weak   = 1
	medium = 2
	strong = 3
)

// suggest weighs the evidence for and against mining and suggests a
// disposition. The rules, in order:
//
//   - an authorised miner (allow-listed host, network or wallet) → benign;
//   - for ≥ 5 and against ≤ 2 → true-positive, high confidence;
//   - for ≥ 3 and above against → true-positive, medium;
//   - against ≥ 3 and above for → false-positive (high when against ≥ 5
//     and for ≤ 1, else medium);
//   - anything else → needs-info, low.
//
// Strong for: an observed job and submit; a known pool; a miner user agent.
// Medium for: a login or job without a submit; a beacon, long session or
// retry burst in the netflow. Weak for: the firewall's own miner signature
// and App-ID. Strong against: a capture holding the pair's payload without
// Stratum. Medium against: an internal or inbound destination; irregular
// netflow.
func (a *Analysis) suggest(cf captureFacts) Suggestion {
	var pro, con []reason
	add := func(list *[]reason, w int, l *line) {
		p, m := l.text()
		*list = append(*list, reason{plain: p, md: m, weight: w})
	}
	a.reasonsFor(cf, func(w int, l *line) { add(&pro, w, l) })
	a.reasonsAgainst(cf, func(w int, l *line) { add(&con, w, l) })

	sp, sc := total(pro), total(con)
	var s Suggestion
	switch {
	case len(a.Authorized) > 0:
		s.Disposition, s.Confidence = Benign, "medium"
		if sp >= strong {
			s.Confidence = "high"
		}
		l := newLine("authorised miner: matches ")
		listUntrusted(l, a.Authorized, 3)
		l.t(" on the allow-list")
		add(&con, strong, l)
	case sp >= 5 && sc <= 2:
		s.Disposition, s.Confidence = TruePositive, "high"
	case sp >= 3 && sp > sc:
		s.Disposition, s.Confidence = TruePositive, "medium"
	case sc >= 3 && sc > sp:
		s.Disposition, s.Confidence = FalsePositive, "medium"
		if sc >= 5 && sp <= 1 {
			s.Confidence = "high"
		}
	default:
		s.Disposition, s.Confidence = NeedsInfo, "low"
	}
	if s.Disposition == TruePositive {
		c, why := a.suggestCause()
		s.Cause = c
		s.CauseReason, s.causeMD = why.text()
	}
	s.For, s.Against = []string{}, []string{}
	for _, r := range pro {
		s.For = append(s.For, r.plain)
		s.forMD = append(s.forMD, r.md)
	}
	for _, r := range con {
		s.Against = append(s.Against, r.plain)
		s.againstMD = append(s.againstMD, r.md)
	}
	return s
}

func total(rs []reason) int {
	n := 0
	for _, r := range rs {
		n += r.weight
	}
	return n
}

// reasonsFor lists the evidence of mining.
func (a *Analysis) reasonsFor(cf captureFacts, add func(int, *line)) {
	best := -1
	var bestS stratum.Session
	for _, s := range a.Sessions {
		if v := sessionStrength(s); v > best {
			best, bestS = v, s
		}
	}
	switch best {
	case 3:
		sub := stepOf(bestS, stratum.StepSubmit)
		add(strong, newLine("the pool sent a job and the miner submitted %s (", plural(sub.Count, "share")).u(string(bestS.Dialect)).t(")"))
	case 2:
		add(medium, newLine("the pool sent a mining job (").u(string(bestS.Dialect)).t("), no share seen"))
	case 1:
		add(medium, newLine("a Stratum login was seen (").u(string(bestS.Dialect)).t(")"))
	}
	// An agent named in a Stratum login is the mining software announcing
	// itself; forks rename XMRig ("pwnRig"), so any agent there counts.
	for _, s := range a.Sessions {
		if isMinerAgent(s.Agent) || s.Agent != "" && seen(stepOf(s, stratum.StepLogin)) {
			add(strong, newLine("miner user agent ").u(s.Agent))
			break
		}
	}
	if p, ok := a.knownPool(); ok {
		add(strong, newLine("the destination is a known mining pool: ").h(p.Host).t(" (%s), list entry ", p.Seen).h(p.Match))
	}
	if a.Pair != nil {
		switch a.Pair.Verdict {
		case flow.VerdictBeacon:
			add(medium, newLine("netflow is a regular beacon (score %.2f)%s", a.Pair.Score, a.cadence()))
		case flow.VerdictLongSession:
			add(medium, newLine("netflow shows one long session (%s), as a connected miner keeps", humanSeconds(a.Pair.LongSession)))
		case flow.VerdictRetryBurst:
			l := newLine("netflow shows %d near-empty retries%s, as a blocked miner makes", a.Pair.Sessions, a.cadence())
			if blockingAction(a.Alert.Action) {
				l.t(": the block worked, but the host is still infected and retrying")
			}
			add(medium, l)
		}
	}
	if a.Dst.MiningPort && !a.Dst.Internal {
		add(weak, newLine("destination port %d is a mining-pool port", a.Dst.Port))
	}
	if a.Alert.Threat != "" {
		add(weak, newLine("the firewall's signature ").u(a.Alert.Threat).t(" fired (App-ID ").u(orNone(a.Alert.App)).t(")"))
	}
}

// reasonsAgainst lists the contrary evidence.
func (a *Analysis) reasonsAgainst(cf captureFacts, add func(int, *line)) {
	if cf.payload && !a.anyStratum() {
		add(strong, newLine("the capture holds the pair's payload in the clear and it is not Stratum"))
	}
	switch {
	case a.Src.Internal && a.Dst.Internal:
		if _, known := a.knownPool(); !known {
			add(medium, newLine("both hosts are internal: an internal JSON-RPC service is more likely than a pool"))
		}
	case !a.Src.Internal && a.Dst.Internal:
		add(medium, newLine("the connection comes from outside to an internal host, not a miner calling out"))
	}
	if a.Pair != nil && a.Pair.Verdict == flow.VerdictIrregular {
		add(medium, newLine("netflow is irregular (score %.2f): nothing machine-like", a.Pair.Score))
	}
}

// blockingAction reports whether the firewall stopped the session.
func blockingAction(action string) bool {
	switch strings.ToLower(action) {
	case "drop", "deny", "reset-both", "reset-client", "reset-server", "block", "blocked", "drop-all-packets", "block-ip", "sinkhole":
		return true
	}
	return false
}

// suggestCause hints at how the miner got there from what the alert says
// about the host: a public-facing zone points at an exploited application
// (the usual way in: Expel saw a third of web-application compromises end
// in a miner); a named user's workstation at phishing, a download or USB,
// which only the host can tell apart.
func (a *Analysis) suggestCause() (Cause, *line) {
	al := a.Alert
	z := strings.ToLower(al.SrcZone)
	if strings.Contains(z, "dmz") || strings.Contains(z, "public") || strings.Contains(z, "web") {
		return CausePublicApp, newLine("the host sits in zone ").u(al.SrcZone).t(", a public-facing zone: an exploited application is the usual way in")
	}
	if al.SrcUser != "" {
		return CauseUnknown, newLine("a user's workstation (").u(al.SrcUser).t("): phishing, a download or USB are likely; confirm on the host")
	}
	return CauseUnknown, newLine("nothing in the evidence says how the miner arrived; look at the host")
}
