package casework

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// The real browser-miner capture: 10.0.2.15 mines to ws027.authedmine.com
// over TLS (WebSocket). Issue #3: reported as Stratum over TLS, the pool
// by SNI, the steps not observable, netflow the only evidence; and the
// analysis's "stratum" list keeps only sessions with a dialect.
func TestStratumOverTLSRealCapture(t *testing.T) {
	repo := newMemRepo()
	al := minerAlert("authedmine", "10.0.2.15", 46634, "37.187.167.83", 443)
	al.App, al.Threat, al.ThreatID = "ssl", "Coinhive Miner Traffic Detection", 86112
	repo.addAlert(al)
	withCapture(t, repo, al.ID, "zeek-cryptomining_coinhive_browser-wss-tls-authedmine.pcap")
	a, err := NewService(repo, Options{Now: fixedNow}).Analyze(context.Background(), al.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Sessions) != 0 {
		t.Errorf("plaintext sessions %+v, want none", a.Sessions)
	}
	if len(a.TLSSessions) != 1 || a.TLSSessions[0].PoolHost != "ws027.authedmine.com" || !a.TLSSessions[0].TLS {
		t.Fatalf("TLS sessions %+v, want the one to ws027.authedmine.com", a.TLSSessions)
	}
	want := "Stratum over TLS to ws027.authedmine.com (SNI): steps not observable; netflow is the evidence"
	st := stepStatus(a)
	for _, step := range []StepID{StepCapture, StepStratum} {
		if st[step] != StatusNeutral || !strings.Contains(summaryOf(a, step), want) {
			t.Errorf("%s: %s %q, want neutral and %q", step, st[step], summaryOf(a, step), want)
		}
	}
	if st[StepApplication] != StatusSupports {
		t.Errorf("application %s: the SNI names a known pool", st[StepApplication])
	}
	if !strings.Contains(strings.Join(a.Suggestion.For, "\n"), "known mining pool: ws027.authedmine.com") {
		t.Errorf("suggestion for %q", a.Suggestion.For)
	}

	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Stratum    []map[string]any `json:"stratum"`
		StratumTLS []map[string]any `json:"stratum_tls"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Stratum) != 0 || len(doc.StratumTLS) != 1 || doc.StratumTLS[0]["pool_host"] != "ws027.authedmine.com" {
		t.Errorf("analyze JSON stratum %v stratum_tls %v", doc.Stratum, doc.StratumTLS)
	}
}

// tlsSession is a Stratum-over-TLS entry as capture.Analyze writes it.
func tlsSession(client, server, host string) stratum.Session {
	s := stratum.Session{Client: client, Server: server, PoolHost: host, TLS: true}
	for _, n := range []stratum.StepName{stratum.StepLogin, stratum.StepJob, stratum.StepSubmit, stratum.StepResult} {
		s.Steps = append(s.Steps, stratum.Step{Step: n, Reason: "encrypted: TLS to " + host + ", a mining pool; steps not observable"})
	}
	return s
}

// A pair with Stratum over TLS and a plaintext conversation that is not
// Stratum (an HTTP probe to the same host): the TLS session still counts
// as Stratum, so "payload in the clear and not Stratum" must not argue
// against mining.
func TestStratumOverTLSIsNotPayloadWithoutStratum(t *testing.T) {
	client, server := "10.20.30.40:49830", "141.94.96.71:443"
	sc := scenario{alert: minerAlert("tls-pool", "10.20.30.40", 49830, "141.94.96.71", 443), capture: &capture.Result{
		File: "tls.pcap", Format: "pcap", Packets: 30,
		Conversations: []capture.Conversation{
			{Client: client, Server: server, Proto: "tcp", Packets: 20, Bytes: 9000, BytesToServer: 3000, BytesToClient: 6000, Start: t0, End: t0.Add(time.Minute), App: "tls", SNI: "gulf.moneroocean.stream"},
			{Client: "10.20.30.40:49831", Server: "141.94.96.71:80", Proto: "tcp", Packets: 10, Bytes: 900, BytesToServer: 300, BytesToClient: 600, Start: t0, End: t0.Add(time.Second), App: "http"},
		},
		StratumTLS: []stratum.Session{tlsSession(client, server, "gulf.moneroocean.stream")},
	}}
	_, _, a := sc.analyse(t)
	st := stepStatus(a)
	if st[StepStratum] != StatusNeutral || st[StepCapture] != StatusNeutral || st[StepApplication] != StatusSupports {
		t.Errorf("statuses %v", st)
	}
	if got := summaryOf(a, StepStratum); !strings.HasPrefix(got, "Stratum over TLS to gulf.moneroocean.stream (SNI)") {
		t.Errorf("stratum summary %q", got)
	}
	for _, r := range a.Suggestion.Against {
		if strings.Contains(r, "not Stratum") {
			t.Errorf("reason against %q: the pair's Stratum is over TLS", r)
		}
	}
	// With a plaintext session too, it leads; the TLS one is in the details.
	sc.capture.Stratum = []stratum.Session{xmrigSession(client, "141.94.96.71:80", t0)}
	_, _, a = sc.analyse(t)
	if st := stepStatus(a); st[StepStratum] != StatusSupports || !strings.HasPrefix(summaryOf(a, StepStratum), "xmrig session") {
		t.Errorf("with a plaintext session: %s %q", st[StepStratum], summaryOf(a, StepStratum))
	}
	if d := strings.Join(detailsOf(a, StepStratum), "\n"); !strings.Contains(d, "Stratum over TLS to gulf.moneroocean.stream (SNI)") {
		t.Errorf("stratum details lack the TLS session:\n%s", d)
	}
}

func detailsOf(a *Analysis, step StepID) []string {
	for _, f := range a.Steps {
		if f.Step == step {
			return f.Details
		}
	}
	return nil
}
