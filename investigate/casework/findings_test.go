package casework

import (
	"strings"
	"testing"
	"time"
)

func TestScenarioFindingsAndSuggestion(t *testing.T) {
	cases := []struct {
		name     string
		sc       scenario
		status   map[StepID]Status
		disp     Disposition
		conf     string
		summarys map[StepID]string // substrings of the summaries
	}{
		{
			name: "clear miner", sc: clearMiner(),
			status: map[StepID]Status{StepAddresses: StatusSupports, StepApplication: StatusSupports, StepNetflow: StatusSupports, StepCapture: StatusSupports, StepStratum: StatusSupports},
			disp:   TruePositive, conf: "high",
			summarys: map[StepID]string{
				StepAddresses: "10.20.30.40 (internal) opened the connection from port 49822 to 45.9.148.21:80 (pool.supportxmr.com, a known pool)",
				StepNetflow:   "opened 270 connections to 45.9.148.21:80 (pool.supportxmr.com, a known pool) over 4 h 29 m, every 60 s ± ",
				StepStratum:   "login observed (agent XMRig/6.18.1",
			},
		},
		{
			name: "blocked miner", sc: blockedMiner(),
			status: map[StepID]Status{StepAddresses: StatusSupports, StepApplication: StatusNeutral, StepNetflow: StatusSupports, StepCapture: StatusMissing, StepStratum: StatusMissing},
			disp:   TruePositive, conf: "medium",
			summarys: map[StepID]string{
				StepNetflow: "tried 94.23.199.191:3333 (public) 140 times over 11 m 35 s, every 5 s ± 0 s",
				StepCapture: "no capture: export the threat PCAP from Monitor > Logs > Threat (the PCAP column)",
			},
		},
		{
			name: "false positive", sc: falsePositive(),
			status: map[StepID]Status{StepAddresses: StatusAgainst, StepApplication: StatusAgainst, StepNetflow: StatusAgainst, StepCapture: StatusAgainst, StepStratum: StatusAgainst},
			disp:   FalsePositive, conf: "high",
			summarys: map[StepID]string{
				StepCapture: "payload in the clear but no Stratum",
			},
		},
		{
			name: "authorised miner", sc: authorisedMiner(),
			status: map[StepID]Status{StepAddresses: StatusSupports, StepStratum: StatusSupports},
			disp:   Benign, conf: "high",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, a := c.sc.analyse(t)
			got := stepStatus(a)
			for step, want := range c.status {
				if got[step] != want {
					t.Errorf("%s: status %s, want %s (summary %q)", step, got[step], want, summaryOf(a, step))
				}
			}
			if a.Suggestion.Disposition != c.disp || a.Suggestion.Confidence != c.conf {
				t.Errorf("suggestion %s/%s, want %s/%s\nfor: %q\nagainst: %q", a.Suggestion.Disposition, a.Suggestion.Confidence, c.disp, c.conf, a.Suggestion.For, a.Suggestion.Against)
			}
			for step, want := range c.summarys {
				if s := summaryOf(a, step); !strings.Contains(s, want) {
					t.Errorf("%s summary %q lacks %q", step, s, want)
				}
			}
		})
	}
}

func summaryOf(a *Analysis, step StepID) string {
	for _, f := range a.Steps {
		if f.Step == step {
			return f.Summary
		}
	}
	return ""
}

func TestMissingTrafficSaysWhatToFetch(t *testing.T) {
	sc := clearMiner()
	sc.flows, sc.capture = nil, nil
	_, _, a := sc.analyse(t)
	f := a.Steps[2]
	if f.Status != StatusMissing || !strings.Contains(f.Summary, "Monitor > Logs > Traffic, filter (addr.src in 10.20.30.40) and (addr.dst in 45.9.148.21), Export to CSV") {
		t.Errorf("netflow finding = %s %q", f.Status, f.Summary)
	}
	// Only the signature, the pool name in the URL field and the port remain.
	if a.Suggestion.Disposition != TruePositive {
		t.Errorf("a known pool in the alert URL still suggests %s", a.Suggestion.Disposition)
	}
}

func TestNothingButTheSignatureNeedsInfo(t *testing.T) {
	sc := blockedMiner()
	sc.flows = nil
	sc.alert.DstPort = 8443
	_, _, a := sc.analyse(t)
	if a.Suggestion.Disposition != NeedsInfo || a.Suggestion.Confidence != "low" {
		t.Errorf("suggestion %+v, want needs-info/low", a.Suggestion)
	}
}

func TestBlastRadiusListsOtherInternalSources(t *testing.T) {
	sc := clearMiner()
	other := beaconFlows("10.20.30.77", "45.9.148.21", 80, t0.Add(-2*time.Hour), 30, time.Minute, 0, 1500, 1500)
	outside := beaconFlows("198.51.100.7", "45.9.148.21", 80, t0.Add(-2*time.Hour), 30, time.Minute, 0, 1500, 1500)
	_, _, a := sc.analyse(t, scenario{flows: append(other, outside...)})
	if len(a.BlastRadius) != 1 || a.BlastRadius[0].Src.String() != "10.20.30.77" {
		t.Fatalf("blast radius = %+v, want only 10.20.30.77", a.BlastRadius)
	}
	if d := strings.Join(a.Steps[2].Details, "\n"); !strings.Contains(d, "other internal hosts reaching 45.9.148.21: 10.20.30.77 (30 sessions") {
		t.Errorf("netflow details lack the blast radius:\n%s", d)
	}
}
