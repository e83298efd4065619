package ui

import (
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/casework"
)

// A signature with nothing decided has no true-positive rate yet; "TP 0%"
// would tell the analyst every decided alert was a false positive.
func TestStatsLineShowsNoRateBeforeAnyDecision(t *testing.T) {
	q := newQueue(&Common{Theme: DefaultTheme(), Keys: DefaultKeyMap()})
	q.setSize(200, 20)
	q.setRecords(nil, nil, []casework.SignatureStats{
		{Threat: "XMRig Miner Command and Control Traffic Detection", ThreatID: 85886, Alerts: 9, Decided: 0},
		{Threat: "CoinMiner JSON-RPC Request Detection", ThreatID: 86331, Alerts: 4, Decided: 2, TruePositives: 1, TPRate: 0.5},
	})
	line := q.statsLine()
	if !strings.Contains(line, "(85886): 0/9 decided, TP –") {
		t.Errorf("undecided signature should show no rate, got %q", line)
	}
	if !strings.Contains(line, "(86331): 2/4 decided, TP 50%") {
		t.Errorf("decided signature should show its rate, got %q", line)
	}
}
