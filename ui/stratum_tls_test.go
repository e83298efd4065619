package ui

import (
	"strings"
	"testing"

	"github.com/minertriage/minertriage/investigate/stratum"
)

// fixtureTLSSession is a Stratum-over-TLS entry as capture.Analyze writes
// it (Result.StratumTLS → Analysis.TLSSessions).
func fixtureTLSSession(pool string) stratum.Session {
	s := stratum.Session{Client: "10.20.30.40:49830", Server: "45.9.148.21:443", PoolHost: pool, TLS: true}
	for _, n := range []stratum.StepName{stratum.StepLogin, stratum.StepJob, stratum.StepSubmit, stratum.StepResult} {
		s.Steps = append(s.Steps, stratum.Step{Step: n, Reason: "encrypted: TLS to " + pool + ", a mining pool (authedmine.com); steps not observable"})
	}
	return s
}

// The Stratum pane lists the TLS session after the plaintext one and says
// what can and cannot be known; the application pane names its pool.
func TestStratumOverTLSPanes(t *testing.T) {
	svc := NewFixtureService(8)
	a := FixtureAnalysis(30)
	a.TLSSessions = []stratum.Session{fixtureTLSSession("ws027.authedmine.com")}
	svc.SetAnalysis(a)

	plain := keys(newTestModel(t, svc, 120, 40), "enter", "5").View()
	if !strings.Contains(plain, "session 1/2: xmrig") {
		t.Errorf("the plaintext session should come first, of 2:\n%s", plain)
	}
	v := keys(newTestModel(t, svc, 120, 40), "enter", "5", "]").View()
	for _, want := range []string{"session 2/2: Stratum over TLS  10.20.30.40:49830 → 45.9.148.21:443", "pool ws027.authedmine.com",
		"steps cannot be observed in the capture; netflow is the evidence", "absent", "a mining pool (authedmine.com)"} {
		if !strings.Contains(v, want) {
			t.Errorf("TLS session view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "accepted 0") || strings.Contains(v, "Messages") {
		t.Errorf("TLS session view shows counters or messages that cannot be observed:\n%s", v)
	}

	app := keys(newTestModel(t, svc, 120, 40), "enter", "2").View()
	if !strings.Contains(app, "Stratum over TLS") || !strings.Contains(app, "10.20.30.40:49830 → 45.9.148.21:443") {
		t.Errorf("application pane lacks the TLS session:\n%s", app)
	}

	// Only TLS: the pane opens on it, and a hostile pool name is escaped.
	a = FixtureAnalysis(30)
	a.Sessions = nil
	a.TLSSessions = []stratum.Session{fixtureTLSSession(hostile)}
	svc.SetAnalysis(a)
	v = keys(newTestModel(t, svc, 120, 40), "enter", "5").View()
	if !strings.Contains(v, "session 1/1: Stratum over TLS") || !strings.Contains(v, `\e]0;pwned`) || strings.Contains(v, "\x1b]0;") {
		t.Errorf("TLS-only view:\n%q", v)
	}
}
