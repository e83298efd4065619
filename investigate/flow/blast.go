package flow

import (
	"math"
	"net/netip"
	"slices"

	"github.com/minertriage/minertriage/investigate/intel"
)

// BlastRadius analyses, per internal source, the flows that reach dst: the
// other hosts that talk to the same pool or C2. Every internal source is
// returned, the alert's own included (the caller knows which one it is
// investigating), strongest score first. The observation window is the
// span of all flows given, so the scores compare across sources.
func BlastRadius(flows []Flow, dst netip.Addr, isInternal func(netip.Addr) bool) []Pair {
	bySrc := map[netip.Addr]*pairAcc{}
	ds, de := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range flows {
		k, s := orient(&flows[i])
		ds, de = min(ds, s.start), max(de, endOf(s))
		if k.dst != dst || !isInternal(k.src) {
			continue
		}
		acc := bySrc[k.src]
		if acc == nil {
			acc = &pairAcc{}
			bySrc[k.src] = acc
		}
		acc.add(s)
	}
	out := make([]Pair, 0, len(bySrc))
	sc := &scratch{}
	for src, acc := range bySrc {
		out = append(out, analyze(src, dst, acc.sessions(), ds, de, Options{SeriesCap: -1}, sc))
	}
	SortPairs(out)
	return out
}

// SameDestination filters already-scored pairs (Aggregator.Pairs) to those
// from an internal source to dst: BlastRadius for data streamed through an
// Aggregator. The order of pairs is kept.
func SameDestination(pairs []Pair, dst netip.Addr, isInternal func(netip.Addr) bool) []Pair {
	var out []Pair
	for _, p := range pairs {
		if p.Dst == dst && isInternal(p.Src) {
			out = append(out, p)
		}
	}
	return out
}

// PoolContact is a pair whose destination is on the mining-pool list.
type PoolContact struct {
	Pair  Pair        `json:"pair"`
	Match intel.Match `json:"match"`
}

// PoolContacts finds the pairs in which an internal source reaches an
// address on the pool list (flows carry no host names, so only address
// entries can match). The port is checked too: a match on one of the
// pair's destination ports is preferred and says PortMatched. The order of
// pairs is kept.
func PoolContacts(pairs []Pair, pools *intel.PoolList, isInternal func(netip.Addr) bool) []PoolContact {
	var out []PoolContact
	for _, p := range pairs {
		if !isInternal(p.Src) {
			continue
		}
		if m, ok := MatchPair(p, pools); ok {
			out = append(out, PoolContact{Pair: p, Match: m})
		}
	}
	return out
}

// MatchPair matches the pair's destination against the pool list, trying
// each destination port so an IP:port entry can match exactly.
func MatchPair(p Pair, pools *intel.PoolList) (intel.Match, bool) {
	if pools == nil {
		return intel.Match{}, false
	}
	best, found := intel.Match{}, false
	for _, port := range slices.Concat(p.DstPorts, []uint16{0}) {
		m, ok := pools.MatchAddr(p.Dst, port)
		if !ok {
			return intel.Match{}, false // the address is not listed at all
		}
		if !found || (m.PortMatched && !best.PortMatched) {
			best, found = m, true
		}
		if m.PortMatched {
			break
		}
	}
	return best, found
}
