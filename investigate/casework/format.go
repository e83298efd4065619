package casework

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// humanBytes writes a byte count the way an analyst reads it: 1.6 KB.
func humanBytes(n float64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%.0f B", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f KB", n/1e3)
	case n < 1e9:
		return fmt.Sprintf("%.1f MB", n/1e6)
	}
	return fmt.Sprintf("%.1f GB", n/1e9)
}

// humanDuration writes a span as "4 h 30 m", "3 m 20 s" or "45 s".
func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h >= 24:
		return fmt.Sprintf("%d d %d h", h/24, h%24)
	case h > 0:
		return fmt.Sprintf("%d h %d m", h, m)
	case m > 0:
		return fmt.Sprintf("%d m %d s", m, s)
	}
	return fmt.Sprintf("%d s", s)
}

// humanSeconds writes seconds with the unit that fits.
func humanSeconds(s float64) string {
	if s < 120 {
		return fmt.Sprintf("%.0f s", s)
	}
	return humanDuration(time.Duration(s * float64(time.Second)))
}

// addrPort writes an address and port as DESIGN.md spells them.
func addrPort(a netip.Addr, p uint16) string {
	if !a.IsValid() {
		return "?"
	}
	return netip.AddrPortFrom(a, p).String()
}

// intervalSpread is the median absolute deviation of the gaps between
// session starts, in seconds: the "± 3 s" of "every 60 s ± 3 s".
func intervalSpread(series []flow.Point) (median, mad float64, ok bool) {
	if len(series) < 3 {
		return 0, 0, false
	}
	gaps := make([]float64, 0, len(series)-1)
	for i := 1; i < len(series); i++ {
		gaps = append(gaps, series[i].Start.Sub(series[i-1].Start).Seconds())
	}
	median = medianOf(gaps)
	dev := make([]float64, len(gaps))
	for i, g := range gaps {
		dev[i] = math.Abs(g - median)
	}
	return median, medianOf(dev), true
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// pairConversations are the capture's conversations between the alert's
// two hosts, whichever side opened them.
func pairConversations(res *capture.Result, a, b netip.Addr) []capture.Conversation {
	if res == nil {
		return nil
	}
	var out []capture.Conversation
	for _, c := range res.Conversations {
		if samePair(c.Client, c.Server, a, b) {
			out = append(out, c)
		}
	}
	return out
}

// samePair reports whether the endpoints "ip:port" are the hosts a and b.
func samePair(client, server string, a, b netip.Addr) bool {
	c, err1 := netip.ParseAddrPort(client)
	s, err2 := netip.ParseAddrPort(server)
	if err1 != nil || err2 != nil {
		return false
	}
	ca, sa := c.Addr().Unmap(), s.Addr().Unmap()
	return (ca == a && sa == b) || (ca == b && sa == a)
}

// pairSessions are the Stratum sessions between the alert's hosts.
func pairSessions(sessions []stratum.Session, a, b netip.Addr) []stratum.Session {
	var out []stratum.Session
	for _, s := range sessions {
		if samePair(s.Client, s.Server, a, b) {
			out = append(out, s)
		}
	}
	return out
}

// stepOf returns one named step of a session.
func stepOf(s stratum.Session, name stratum.StepName) stratum.Step {
	for _, st := range s.Steps {
		if st.Step == name {
			return st
		}
	}
	return stratum.Step{Step: name}
}

// seen reports whether a step was observed or inferred.
func seen(st stratum.Step) bool { return st.Observed || st.Inferred }

// stepWord describes a step's state in a word or two.
func stepWord(st stratum.Step) string {
	switch {
	case st.Observed:
		return "observed"
	case st.Inferred:
		return "inferred"
	}
	return "absent"
}

// minerAgents are substrings of mining software user agents (case
// insensitive): XMRig and its forks, xmr-stak, and the GPU miners.
var minerAgents = []string{"xmrig", "xmr-stak", "cpuminer", "ccminer", "cgminer", "bfgminer", "ethminer", "phoenixminer", "gminer", "nbminer", "t-rex", "teamredminer", "lolminer", "nanominer", "srbminer", "claymore", "ewbf"}

// isMinerAgent reports whether an agent string names mining software.
func isMinerAgent(agent string) bool {
	a := strings.ToLower(agent)
	for _, m := range minerAgents {
		if strings.Contains(a, m) {
			return true
		}
	}
	return false
}

// plural writes "1 connection" / "3 connections".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// uniq appends s to list unless present.
func uniq(list []string, s ...string) []string {
	for _, x := range s {
		if x != "" && !slices.Contains(list, x) {
			list = append(list, x)
		}
	}
	return list
}
