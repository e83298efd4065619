package casework

import (
	"net/netip"
	"time"
)

// FlowWindow is how far around the alert time Analyze looks for the pair's
// flows: a day either side covers a miner that was running before the
// signature fired and the retries after a block, without dragging in
// unrelated traffic from weeks earlier.
const FlowWindow = 24 * time.Hour

// Endpoint is what the addresses step knows about one side of the alert.
type Endpoint struct {
	Addr       netip.Addr `json:"addr"`
	Port       uint16     `json:"port"`
	Class      string     `json:"class"`     // "internal (RFC 1918)", "public" …
	Internal   bool       `json:"internal"`  // inside the network
	PortRole   string     `json:"port_role"` // what the port usually carries
	MiningPort bool       `json:"mining_port"`
	Owner      string     `json:"owner,omitempty"` // from the owners table, when given
	Hosting    bool       `json:"hosting,omitempty"`
}

// PoolHit is one name or address seen for the destination and whether the
// mining-pool list knows it.
type PoolHit struct {
	Host  string `json:"host"`  // as seen (untrusted)
	Seen  string `json:"seen"`  // where: "alert URL", "DNS answer", "TLS SNI", "Stratum", "destination address"
	Known bool   `json:"known"` // on the pool list
	Match string `json:"match"` // the list entry and its source, when Known
}

// Timing is how fast the alert was handled.
type Timing struct {
	FirstLook   time.Time `json:"first_look,omitzero"`
	Decided     time.Time `json:"decided,omitzero"` // the first decision
	ToFirstLook float64   `json:"to_first_look_s,omitempty"`
	ToDecision  float64   `json:"to_decision_s,omitempty"`
}

// findingMD keeps the markdown twins of a Finding's text for the notes.
type findingMD struct {
	Summary string
	Details []string
}

// reason is one line of a Suggestion, with its markdown twin.
type reason struct {
	plain, md string
	weight    int // 3 strong, 2 medium, 1 weak
}
