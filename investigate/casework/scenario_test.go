package casework

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// t0 is the fixed alert time of the scenarios.
var t0 = time.Date(2026, 5, 20, 6, 36, 17, 0, time.UTC)

func fixedNow() time.Time { return t0.Add(6 * time.Minute) }

// scenario is one hand-built case: the alert, its flows and (optionally) a
// capture analysis as capture.Analyze would return it.
type scenario struct {
	alert   alert.Alert
	flows   []flow.Flow
	capture *capture.Result
	allow   string // allow-list text
}

func minerAlert(id, src string, sport uint16, dst string, dport uint16) alert.Alert {
	return alert.Alert{
		ID: id, Source: "panos-threat", Time: t0,
		Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sport, DstPort: dport, Proto: "tcp",
		App: "json-rpc", Threat: "XMRig Miner Command and Control Traffic Detection", ThreatID: 85886,
		Category: "cryptominer", Subtype: "spyware", Severity: "critical", Action: "alert",
		Direction: "client-to-server", Rule: "Allow-Outbound", Device: "PA-440", File: "threat.log", Line: 1,
	}
}

// beaconFlows are n sessions every gap ± jitter with steady sizes.
func beaconFlows(src, dst string, port uint16, start time.Time, n int, gap, jitter time.Duration, sent, recv uint64) []flow.Flow {
	r := rand.New(rand.NewPCG(1, 2))
	var out []flow.Flow
	at := start
	for i := range n {
		j := time.Duration(0)
		if jitter > 0 {
			j = time.Duration(r.Int64N(int64(2*jitter))) - jitter
		}
		out = append(out, flow.Flow{
			Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: uint16(49152 + i%1000), DstPort: port, Proto: "tcp",
			Start: at.Add(j), Duration: 2 * time.Second, BytesSent: sent + uint64(i%7), BytesReceived: recv + uint64(i%5),
			PacketsSent: 6, PacketsReceived: 5, App: "json-rpc", Action: "allow", Source: "panos-traffic", File: "traffic.log", Line: i + 1,
		})
		at = at.Add(gap)
	}
	return out
}

func xmrigSession(client, server string, at time.Time) stratum.Session {
	step := func(name stratum.StepName, frame int, method string, d time.Duration) stratum.Step {
		return stratum.Step{Step: name, Observed: true, Count: 1, Time: at.Add(d), Frame: frame, Method: method}
	}
	res := step(stratum.StepResult, 9, "submit", 3*time.Second)
	res.Accepted = 1
	return stratum.Session{
		Client: client, Server: server, Dialect: stratum.DialectXMRig, PoolHost: "pool.supportxmr.com",
		Login: "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD", Password: "x",
		Agent: "XMRig/6.18.1 (Linux x86_64) libuv/1.44.1 gcc/5.4.0", Algorithms: []string{"rx/0", "cn/1"},
		Steps: []stratum.Step{
			step(stratum.StepLogin, 4, "login", 0), step(stratum.StepJob, 6, "login", time.Second),
			step(stratum.StepSubmit, 8, "submit", 2*time.Second), res,
		},
		JobIDs: []string{"q7PLUPL25UV0z5Ij14IyMk8htXbj"}, Target: "b88d0600", SeedHash: "758c3c212274e654f41abe93a7909eb0b48fddbc2a0af8f5d620c02477d581bb",
		Height: 2749492, Accepted: 1,
		Messages: []stratum.Message{
			{Time: at, Frame: 4, From: "client", Method: "login", ID: []byte("1"), Raw: `{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"48edf…","pass":"x","agent":"XMRig/6.18.1"}}`},
			{Time: at.Add(time.Second), Frame: 6, From: "server", Method: "", ID: []byte("1"), Raw: `{"id":1,"result":{"job":{"job_id":"q7PLUPL25UV0z5Ij14IyMk8htXbj","target":"b88d0600"},"status":"OK"}}`},
			{Time: at.Add(2 * time.Second), Frame: 8, From: "client", Method: "submit", ID: []byte("2"), Raw: `{"id":2,"method":"submit","params":{"job_id":"q7PLUPL25UV0z5Ij14IyMk8htXbj","nonce":"d0030040"}}`},
			{Time: at.Add(3 * time.Second), Frame: 9, From: "server", ID: []byte("2"), Raw: `{"id":2,"result":{"status":"OK"}}`},
		},
		MessagesTotal: 4,
	}
}

func clearMiner() scenario {
	a := minerAlert("clear-miner", "10.20.30.40", 49822, "45.9.148.21", 80)
	a.URL = "pool.supportxmr.com/"
	client, server := "10.20.30.40:49822", "45.9.148.21:80"
	return scenario{
		alert: a,
		flows: beaconFlows("10.20.30.40", "45.9.148.21", 80, t0.Add(-4*time.Hour), 270, time.Minute, 3*time.Second, 1600, 1650),
		capture: &capture.Result{
			File: "miner.pcap", Format: "pcap", Packets: 42,
			Conversations: []capture.Conversation{{Client: client, Server: server, Proto: "tcp", Packets: 30, Bytes: 8100, BytesToServer: 3000, BytesToClient: 5100, Start: t0, End: t0.Add(time.Minute), App: "stratum/xmrig"}},
			DNS:           []capture.DNSAnswer{{Name: "pool.supportxmr.com", Answers: []string{"45.9.148.21"}}},
			Stratum:       []stratum.Session{xmrigSession(client, server, t0)},
		},
	}
}

func blockedMiner() scenario {
	a := minerAlert("blocked-miner", "10.20.30.41", 51000, "94.23.199.191", 3333)
	a.Action = "drop"
	fl := beaconFlows("10.20.30.41", "94.23.199.191", 3333, t0.Add(-10*time.Minute), 140, 5*time.Second, 0, 74, 0)
	for i := range fl {
		fl[i].Action, fl[i].Duration, fl[i].PacketsReceived = "deny", 0, 0
		fl[i].BytesReceived = 0
	}
	return scenario{alert: a, flows: fl}
}

func falsePositive() scenario {
	a := minerAlert("false-positive", "10.20.30.50", 50123, "10.20.40.10", 8545)
	r := rand.New(rand.NewPCG(3, 4))
	var fl []flow.Flow
	at := t0.Add(-6 * time.Hour)
	for i := range 40 {
		at = at.Add(time.Duration(r.ExpFloat64() * float64(9*time.Minute)))
		fl = append(fl, flow.Flow{Src: a.Src, Dst: a.Dst, SrcPort: uint16(50000 + i), DstPort: 8545, Proto: "tcp", Start: at,
			Duration: time.Duration(r.IntN(30)) * time.Second, BytesSent: uint64(300 + r.IntN(20000)), BytesReceived: uint64(500 + r.IntN(90000)),
			Action: "allow", Source: "panos-traffic", File: "traffic.log", Line: 500 + i})
	}
	client, server := "10.20.30.50:50123", "10.20.40.10:8545"
	return scenario{alert: a, flows: fl, capture: &capture.Result{
		File: "jsonrpc.pcap", Format: "pcap", Packets: 12,
		Conversations: []capture.Conversation{{Client: client, Server: server, Proto: "tcp", Packets: 12, Bytes: 2400, BytesToServer: 900, BytesToClient: 1500, Start: t0, End: t0.Add(time.Second), App: "json-rpc"}},
	}}
}

func authorisedMiner() scenario {
	s := clearMiner()
	s.alert.ID, s.alert.Src, s.alert.SrcPort = "authorised-miner", netip.MustParseAddr("10.20.30.60"), 40112
	s.flows = beaconFlows("10.20.30.60", "45.9.148.21", 80, t0.Add(-4*time.Hour), 200, time.Minute, time.Second, 1500, 1500)
	client, server := "10.20.30.60:40112", "45.9.148.21:80"
	s.capture.Conversations[0].Client = client
	s.capture.Stratum = []stratum.Session{xmrigSession(client, server, t0)}
	s.allow = "# research rigs\n10.20.30.60 # GPU lab rig, ticket SEC-1234\n"
	return s
}

// analyse runs the scenario through a Service over memRepo, with the
// capture result given as capture.Analyze would have returned it.
func (sc scenario) analyse(t testing.TB, extra ...scenario) (*Service, *memRepo, *Analysis) {
	t.Helper()
	repo := newMemRepo()
	repo.addAlert(sc.alert)
	repo.flows = append(repo.flows, sc.flows...)
	for _, e := range extra {
		repo.flows = append(repo.flows, e.flows...)
	}
	opts := Options{Now: fixedNow, Analyst: "alice"}
	if sc.allow != "" {
		l, err := LoadAllowList(strings.NewReader(sc.allow), "authorized-miners.txt")
		if err != nil {
			t.Fatal(err)
		}
		opts.Authorized = l
	}
	s := NewService(repo, opts)
	a, err := s.Analyze(context.Background(), sc.alert.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sc.capture != nil {
		a.Captures = []CaptureAnalysis{{Ref: CaptureRef{SHA256: strings.Repeat("ab", 32), Name: sc.capture.File, Format: "pcap", Size: 9000}, Result: sc.capture}}
		a.Sessions = pairSessions(sc.capture.Stratum, sc.alert.Src, sc.alert.Dst)
		a.TLSSessions = pairSessions(sc.capture.StratumTLS, sc.alert.Src, sc.alert.Dst)
		if err := s.finish(a); err != nil {
			t.Fatal(err)
		}
	}
	return s, repo, a
}

func stepStatus(a *Analysis) map[StepID]Status {
	m := map[StepID]Status{}
	for _, f := range a.Steps {
		m[f.Step] = f.Status
	}
	return m
}
