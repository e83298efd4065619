package flow

import (
	"math"

	"github.com/minertriage/minertriage/investigate/intel"
)

// Unidirectional netflow (nfdump) writes one record per direction: the
// miner's 49822 → 3333 and the pool's 3333 → 49822 are two records of one
// connection. Left alone they make a second, reversed pair and every
// session looks like nothing came back (which the retry-burst score would
// misread). So a unidirectional record whose ports say it runs server →
// client is turned round (intel.ClientSide), and the two halves of one
// connection — same ports, starts within stitchNanos — are stitched into
// one session.
const (
	stitchNanos    = 2e9 // the two directions start within an RTT or a few
	stitchLookback = 8   // how many earlier sessions on the same ports to try
)

// unidirectional reports whether f is one direction of a connection: an
// nfdump record with no reverse counters (nfdump 1.6 biflows carry them).
func unidirectional(f *Flow) bool {
	return f.Source == "nfdump" && f.BytesReceived == 0 && f.PacketsReceived == 0
}

// orient returns the pair f belongs to and its session, turning a
// server → client unidirectional record round.
func orient(f *Flow) (pairKey, session) {
	s := toSession(f)
	if !unidirectional(f) {
		return pairKey{f.Src, f.Dst}, s
	}
	if side, _ := intel.ClientSide(f.SrcPort, f.DstPort); side == intel.SideDst {
		s.sent, s.recv = 0, f.BytesSent
		s.port, s.sport = f.SrcPort, f.DstPort
		s.flags |= flagRev
		return pairKey{f.Dst, f.Src}, s
	}
	s.flags |= flagFwd
	return pairKey{f.Src, f.Dst}, s
}

type pairAcc struct {
	ss  []session
	uni map[[2]uint16][]int32 // unidirectional sessions by (client port, server port)
}

// add appends s, or stitches it into the other half of its connection.
func (acc *pairAcc) add(s session) {
	dir := s.flags & (flagFwd | flagRev)
	if dir == 0 {
		acc.ss = append(acc.ss, s)
		return
	}
	key := [2]uint16{s.sport, s.port}
	idx := acc.uni[key]
	for j := len(idx) - 1; j >= max(0, len(idx)-stitchLookback); j-- {
		o := &acc.ss[idx[j]]
		if o.flags&dir != 0 || math.Abs(nsDiff(o.start, s.start)) > stitchNanos {
			continue // the same direction is already in it, or another connection
		}
		end := max(endOf(*o), endOf(s))
		o.start = min(o.start, s.start)
		o.dur = int64(max(nsDiff(end, o.start), 0))
		o.sent, o.recv = satAdd(o.sent, s.sent), satAdd(o.recv, s.recv)
		o.flags |= s.flags
		return
	}
	if acc.uni == nil {
		acc.uni = map[[2]uint16][]int32{}
	}
	acc.uni[key] = append(idx, int32(len(acc.ss)))
	acc.ss = append(acc.ss, s)
}

// sessions returns the sessions for analysis, which sorts them: a copy when
// the stitching index refers to positions.
func (acc *pairAcc) sessions() []session {
	if acc.uni != nil {
		return append([]session(nil), acc.ss...)
	}
	return acc.ss
}
