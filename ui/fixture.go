package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// FixtureNow is the fixed clock of the fixtures.
var FixtureNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// FixtureService is an in-memory Service over fixed, deterministic data:
// an XMRig case modelled on the demo (10.20.30.40 → 45.9.148.21:80). The
// view tests and cmd/shot (the screenshots) use it, so both show the same
// thing whatever the store holds.
type FixtureService struct {
	mu        sync.Mutex
	records   []casework.AlertRecord
	analyses  map[string]*casework.Analysis
	decisions map[string][]casework.Decision
	now       func() time.Time
}

// NewFixtureService returns the fixture case with n alerts in the queue
// (at least the 8 hand-written ones).
func NewFixtureService(n int) *FixtureService {
	s := &FixtureService{analyses: map[string]*casework.Analysis{}, decisions: map[string][]casework.Decision{},
		now: func() time.Time { return FixtureNow }}
	s.records = FixtureQueue(n)
	main := FixtureAnalysis(60)
	s.analyses[main.Alert.ID] = main
	s.decisions["pan-0007"] = []casework.Decision{{AlertID: "pan-0007", Seq: 1, Time: FixtureNow.Add(-50 * time.Minute),
		Analyst: "maria", Disposition: casework.FalsePositive, Cause: casework.CauseUnknown, Note: "json-rpc to the internal wallet service"}}
	return s
}

// FixtureQueue returns n alerts, newest first: eight varied ones, then
// filler down the past.
func FixtureQueue(n int) []casework.AlertRecord {
	type row struct {
		src, dst string
		sp, dp   uint16
		threat   string
		id       int64
		app, sev string
		action   string
		ago      time.Duration
		look     time.Duration // first look after the alert, 0 = never
		flows    int
		caps     int
		disp     casework.Disposition
	}
	xmrig := "XMRig Miner Command and Control Traffic Detection"
	rows := []row{
		{"10.20.30.40", "45.9.148.21", 49822, 80, xmrig, 85886, "json-rpc", "critical", "reset-both", 9 * time.Minute, 0, 61, 1, ""},
		{"10.20.31.17", "45.9.148.21", 51544, 80, xmrig, 85886, "json-rpc", "critical", "reset-both", 25 * time.Minute, 0, 12, 0, ""},
		{"10.20.30.40", "45.9.148.21", 49790, 80, xmrig, 85886, "json-rpc", "critical", "alert", 2 * time.Hour, 6 * time.Minute, 58, 1, casework.TruePositive},
		{"192.168.8.23", "94.130.12.30", 40112, 3333, "Coinhive Miner Traffic Detection", 86112, "stratum", "high", "drop", 3 * time.Hour, 0, 4, 0, ""},
		{"172.16.4.9", "141.94.96.71", 55100, 443, xmrig, 85886, "ssl", "high", "alert", 5 * time.Hour, 0, 0, 0, ""},
		{"fd00::5", "2a01:4f8::9", 40112, 14444, xmrig, 85886, "json-rpc", "medium", "reset-both", 7 * time.Hour, 20 * time.Minute, 3, 0, casework.NeedsInfo},
		{"10.9.0.14", "10.9.0.200", 61022, 8332, "JSON-RPC Bitcoin getwork", 54321, "json-rpc", "low", "allowed", 26 * time.Hour, 10 * time.Minute, 2, 0, casework.FalsePositive},
		{"10.20.30.41", "45.9.148.21", 49911, 80, xmrig, 85886, "json-rpc", "critical", "reset-both", 50 * time.Hour, 0, 0, 0, casework.Benign},
	}
	n = max(n, len(rows))
	out := make([]casework.AlertRecord, 0, n)
	for i := 0; i < n; i++ {
		r := rows[i%len(rows)]
		ago := r.ago + time.Duration(i/len(rows))*7*time.Minute
		a := alert.Alert{ID: fmt.Sprintf("pan-%04d", i), Source: "panos-threat", Time: FixtureNow.Add(-ago),
			Src: netip.MustParseAddr(r.src), Dst: netip.MustParseAddr(r.dst), SrcPort: r.sp, DstPort: r.dp, Proto: "tcp",
			App: r.app, Threat: r.threat, ThreatID: r.id, Category: "cryptominer", Subtype: "spyware", Severity: r.sev,
			Action: r.action, Direction: "client-to-server", Rule: "outbound-web", SrcZone: "trust", DstZone: "untrust",
			Device: "fw-edge-01", Serial: "013201001234", SessionID: uint64(3405 + i), Sequence: uint64(7000 + i), Repeat: 1,
			DstLoc: "Netherlands", SrcLoc: "10.0.0.0-10.255.255.255", URL: "pool.supportxmr.com", File: "threat.log", Line: i + 1}
		rec := casework.AlertRecord{Alert: a, Flows: r.flows, Captures: r.caps, Disposition: r.disp}
		if r.look > 0 {
			rec.FirstLook = a.Time.Add(r.look)
		}
		if r.disp != "" {
			rec.DecidedAt = a.Time.Add(r.look + 5*time.Minute)
		}
		out = append(out, rec)
	}
	return out
}

// FixtureAnalysis returns the analysis of alert pan-0000 with the given
// number of sessions on the netflow chart.
func FixtureAnalysis(sessions int) *casework.Analysis {
	rec := FixtureQueue(1)[0]
	a := &casework.Analysis{Alert: rec.Alert, Record: rec}
	a.Steps = []casework.Finding{
		{Step: casework.StepAddresses, Title: "Addresses and ports", Status: casework.StatusSupports,
			Summary: "internal 10.20.30.40 opened the connection to external 45.9.148.21:80",
			Details: []string{"10.20.30.40 is private (RFC 1918); 45.9.148.21 is public", "source port 49822 is ephemeral (IANA 49152–65535); destination port 80 is well known",
				"45.9.148.21 answered DNS for pool.supportxmr.com in the capture", "2 other internal hosts reached 45.9.148.21 (blast radius)"}},
		{Step: casework.StepApplication, Title: "Application", Status: casework.StatusSupports,
			Summary: "App-ID json-rpc, category cryptominer, pool host pool.supportxmr.com on the mining-pool list",
			Details: []string{"threat XMRig Miner Command and Control Traffic Detection (85886)", "pool.supportxmr.com is a known Monero pool (supportxmr)", "Stratum methods login, job, submit; algorithm rx/0"}},
		{Step: casework.StepNetflow, Title: "Netflow", Status: casework.StatusSupports,
			Summary: fmt.Sprintf("%d sessions, beacon score 0.91: regular 60 s intervals, steady sizes", sessions),
			Details: []string{"interval median 60 s, MAD 1 s", "size median 1.2 kB"}},
		{Step: casework.StepCapture, Title: "Packet capture", Status: casework.StatusSupports,
			Summary: "1 capture: 3 conversations, JSON-RPC over TCP 80 to the pool, DNS for pool.supportxmr.com",
			Details: []string{"xmr-login.pcap: 42 packets"}},
		{Step: casework.StepStratum, Title: "Stratum", Status: casework.StatusSupports,
			Summary: "XMRig session: login, job, submit observed; 2 shares accepted",
			Details: []string{"wallet 44AFFq5kSiGBoZ…", "agent XMRig/6.21.0"}},
	}
	a.Suggestion = casework.Suggestion{Disposition: casework.TruePositive, Confidence: "high",
		For: []string{"pool host on the list", "Stratum login and accepted shares", "beacon score 0.91"}, Against: []string{}}
	a.Pair = fixturePair(rec.Alert.Src, rec.Alert.Dst, sessions)
	a.BlastRadius = []flow.Pair{
		{Src: netip.MustParseAddr("10.20.31.17"), Dst: rec.Alert.Dst, Sessions: 12, BytesSent: 14200, BytesReceived: 9800, Score: 0.74, Verdict: flow.VerdictRetryBurst},
		{Src: netip.MustParseAddr("10.20.30.41"), Dst: rec.Alert.Dst, Sessions: 3, BytesSent: 2100, BytesReceived: 900, Score: 0.22, Verdict: flow.VerdictTooFew},
	}
	a.Sessions = []stratum.Session{fixtureSession()}
	a.Captures = []casework.CaptureAnalysis{{Ref: casework.CaptureRef{Name: "xmr-login.pcap", Format: "pcap", Size: 6120, Stored: true},
		Result: fixtureCapture(a.Sessions)}}
	a.Decisions = []casework.Decision{}
	return a
}

func fixturePair(src, dst netip.Addr, n int) *flow.Pair {
	start := FixtureNow.Add(-time.Duration(n+10) * time.Minute)
	p := &flow.Pair{Src: src, Dst: dst, DstPorts: []uint16{80}, Sessions: n, IntervalMedian: 60, SizeMedian: 1240,
		LongSession: 61, Score: 0.91, Verdict: flow.VerdictBeacon}
	for i := 0; i < n; i++ {
		sent := uint64(620 + (i*37)%41)
		recv := uint64(580 + (i*53)%67)
		if i%15 == 7 {
			recv += 2400 // a new job
		}
		pt := flow.Point{Start: start.Add(time.Duration(i)*time.Minute + time.Duration(i%3)*time.Second), BytesSent: sent, BytesReceived: recv,
			Duration: 59 * time.Second, DstPort: 80}
		p.Series = append(p.Series, pt)
		p.BytesSent += sent
		p.BytesReceived += recv
	}
	if n > 0 {
		p.First, p.Last = p.Series[0].Start, p.Series[n-1].Start.Add(59*time.Second)
	}
	p.Parts = flow.ScoreParts{IntervalSkew: 0.97, IntervalMAD: 0.98, Interval: 0.975, SizeSkew: 0.9, SizeMAD: 0.88, Size: 0.89,
		Histogram: 0.86, Duration: 0.95, Beacon: 0.91, LongSession: 0, RetryBurst: 0.05,
		Reasons: []string{"connections every 60 s (MAD 1 s): machine-like", "bytes per session steady around 1.2 kB",
			"connections spread over the whole observed span", "no session longer than an hour", "no burst of near-empty retries"}}
	return p
}

// fixtureMessages is an XMRig exchange as captured.
var fixtureMessages = []struct{ from, method, id, raw string }{
	{"client", "login", "1", `{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A","pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0","algo":["rx/0","cn/r"]}}`},
	{"server", "", "1", `{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"73a1f0c2","job":{"blob":"0c0cd7b6a2f1","job_id":"j-4411","target":"b88d0600","algo":"rx/0","height":3021455,"seed_hash":"8a5f3b1c"},"status":"OK"}}`},
	{"server", "job", "null", `{"jsonrpc":"2.0","method":"job","params":{"blob":"0c0cd8c2b4e9","job_id":"j-4412","target":"b88d0600","algo":"rx/0","height":3021456}}`},
	{"client", "submit", "2", `{"id":2,"jsonrpc":"2.0","method":"submit","params":{"id":"73a1f0c2","job_id":"j-4412","nonce":"3a0e0000","result":"e1f0a9b2"}}`},
	{"server", "", "2", `{"id":2,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}`},
	{"client", "keepalived", "3", `{"id":3,"jsonrpc":"2.0","method":"keepalived","params":{"id":"73a1f0c2"}}`},
	{"server", "", "3", `{"id":3,"jsonrpc":"2.0","error":null,"result":{"status":"KEEPALIVED"}}`},
	{"client", "submit", "4", `{"id":4,"jsonrpc":"2.0","method":"submit","params":{"id":"73a1f0c2","job_id":"j-4412","nonce":"7b110000","result":"0f33aa10"}}`},
	{"server", "", "4", `{"id":4,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}`},
}

func fixtureSession() stratum.Session {
	t0 := FixtureNow.Add(-9*time.Minute - 3*time.Second)
	s := stratum.Session{Client: "10.20.30.40:49822", Server: "45.9.148.21:80", Dialect: stratum.DialectXMRig, PoolHost: "pool.supportxmr.com",
		Login: "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A", Password: "x",
		Agent: "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0", Algorithms: []string{"rx/0", "cn/r"},
		JobIDs: []string{"j-4411", "j-4412"}, Target: "b88d0600", Difficulty: 120001, SeedHash: "8a5f3b1c", Height: 3021456,
		Accepted: 2, Keepalives: 1, MessagesTotal: len(fixtureMessages)}
	for i, m := range fixtureMessages {
		s.Messages = append(s.Messages, stratum.Message{Time: t0.Add(time.Duration(i) * 4 * time.Second), Frame: 4 + 2*i, From: m.from,
			Method: m.method, ID: json.RawMessage(m.id), Raw: m.raw})
	}
	s.Steps = []stratum.Step{
		{Step: stratum.StepLogin, Observed: true, Count: 1, Time: t0, Frame: 4, Method: "login"},
		{Step: stratum.StepJob, Observed: true, Count: 2, Time: t0.Add(4 * time.Second), Frame: 6, Method: "login result"},
		{Step: stratum.StepSubmit, Observed: true, Count: 2, Time: t0.Add(12 * time.Second), Frame: 10, Method: "submit"},
		{Step: stratum.StepResult, Observed: true, Count: 2, Time: t0.Add(16 * time.Second), Frame: 12, Method: "result", Accepted: 2},
	}
	return s
}

func fixtureCapture(sessions []stratum.Session) *capture.Result {
	t0 := FixtureNow.Add(-9*time.Minute - 5*time.Second)
	r := &capture.Result{File: "xmr-login.pcap", Format: "pcap", LinkType: "Ethernet", Packets: 42, Bytes: 6120, Warnings: []string{},
		First: t0, Last: t0.Add(40 * time.Second), Stratum: sessions}
	r.Conversations = []capture.Conversation{
		{Client: "10.20.30.40:49822", Server: "45.9.148.21:80", Proto: "tcp", Packets: 30, Bytes: 5200, BytesToServer: 2300, BytesToClient: 2900, Start: t0.Add(2 * time.Second), End: t0.Add(40 * time.Second), App: "stratum/xmrig"},
		{Client: "10.20.30.40:53122", Server: "10.20.0.2:53", Proto: "udp", Packets: 2, Bytes: 180, BytesToServer: 70, BytesToClient: 110, Start: t0, End: t0.Add(30 * time.Millisecond), App: "dns"},
		{Client: "10.20.30.40:49830", Server: "141.94.96.71:443", Proto: "tcp", Packets: 10, Bytes: 740, BytesToServer: 420, BytesToClient: 320, Start: t0.Add(20 * time.Second), End: t0.Add(21 * time.Second), App: "tls", SNI: "gulf.moneroocean.stream"},
	}
	r.DNS = []capture.DNSAnswer{{Name: "pool.supportxmr.com", Answers: []string{"45.9.148.21"}}}
	r.TLS = []capture.TLSHello{{Client: "10.20.30.40:49830", Server: "141.94.96.71:443", SNI: "gulf.moneroocean.stream", Time: t0.Add(20 * time.Second), Frame: 33}}
	flags := []string{"S", "SA", "A", "PA", "A", "PA", "A", "PA", "PA", "A", "PA", "A"}
	for i := 0; i < 24; i++ {
		src, dst := "10.20.30.40:49822", "45.9.148.21:80"
		if i%2 == 1 {
			src, dst = dst, src
		}
		r.PacketList = append(r.PacketList, capture.PacketSummary{Frame: i + 1, Time: t0.Add(time.Duration(i) * 1700 * time.Millisecond),
			Src: src, Dst: dst, Proto: "TCP", Length: 66 + (i*97)%420, Flags: flags[i%len(flags)], Layers: []string{"Ethernet", "IPv4", "TCP", "Payload"}})
	}
	var chunks []capture.StreamChunk
	for _, m := range sessions[0].Messages {
		chunks = append(chunks, capture.StreamChunk{From: m.From, Frame: m.Frame, Time: m.Time, Data: []byte(m.Raw + "\n")})
		r.Strings = append(r.Strings, capture.String{Frame: m.Frame, From: m.From, Text: m.Raw})
	}
	r.Strings = append(r.Strings, capture.String{Frame: 2, From: "server", Text: "pool.supportxmr.com"})
	r.StringsTotal = len(r.Strings)
	r.Streams = []capture.Stream{{Client: "10.20.30.40:49822", Server: "45.9.148.21:80", Chunks: chunks}}
	return r
}

// Queue implements Service.
func (s *FixtureService) Queue() ([]casework.AlertRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]casework.AlertRecord(nil), s.records...)
	for i := range out {
		if h := s.decisions[out[i].Alert.ID]; len(h) > 0 {
			out[i].Disposition = h[len(h)-1].Disposition
		}
	}
	return out, nil
}

// Analyze implements Service. Alerts other than the main one get its
// evidence under their own header.
func (s *FixtureService) Analyze(ctx context.Context, id string) (*casework.Analysis, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.analyses[id]
	if !ok {
		rec, found := s.find(id)
		if !found {
			return nil, fmt.Errorf("alert %s: %w", id, casework.ErrNotFound)
		}
		cp := *FixtureAnalysis(60)
		cp.Alert, cp.Record = rec.Alert, rec
		a = &cp
	}
	out := *a
	out.Decisions = append([]casework.Decision{}, s.decisions[id]...)
	return &out, nil
}

func (s *FixtureService) find(id string) (casework.AlertRecord, bool) {
	for _, r := range s.records {
		if r.Alert.ID == id {
			return r, true
		}
	}
	return casework.AlertRecord{}, false
}

// SetAnalysis replaces an alert's analysis (hostile fixtures in tests).
func (s *FixtureService) SetAnalysis(a *casework.Analysis) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.analyses[a.Alert.ID] = a
}

// Decide implements Service: append-only, sequence numbers from 1.
func (s *FixtureService) Decide(d casework.Decision) (casework.Decision, error) {
	switch d.Disposition {
	case casework.TruePositive, casework.FalsePositive, casework.Benign, casework.NeedsInfo:
	default:
		return casework.Decision{}, fmt.Errorf("unknown disposition %q", d.Disposition)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d.Time.IsZero() {
		d.Time = s.now()
	}
	if d.Analyst == "" {
		d.Analyst = "analyst"
	}
	d.Seq = len(s.decisions[d.AlertID]) + 1
	s.decisions[d.AlertID] = append(s.decisions[d.AlertID], d)
	return d, nil
}

// History implements Service.
func (s *FixtureService) History(id string) ([]casework.Decision, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]casework.Decision{}, s.decisions[id]...), nil
}

// Notes implements Service with a short markdown summary.
func (s *FixtureService) Notes(ctx context.Context, id string) ([]byte, error) {
	a, err := s.Analyze(ctx, id)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Case %s: %s\n\n", id, a.Alert.Threat)
	fmt.Fprintf(&b, "- **Source:** %s:%d\n- **Destination:** %s:%d (`45.9.148[.]21`, `pool.supportxmr[.]com`)\n- **MITRE ATT&CK:** T1496 Resource Hijacking\n\n",
		a.Alert.Src, a.Alert.SrcPort, a.Alert.Dst, a.Alert.DstPort)
	b.WriteString("## Findings\n\n")
	for _, f := range a.Steps {
		fmt.Fprintf(&b, "### %s: %s\n\n%s\n\n", f.Title, f.Status, f.Summary)
	}
	b.WriteString("## Decisions\n\n")
	if len(a.Decisions) == 0 {
		b.WriteString("None yet.\n")
	}
	for _, d := range a.Decisions {
		fmt.Fprintf(&b, "%d. %s by %s (%s)\n", d.Seq, d.Disposition, d.Analyst, d.Cause)
	}
	return []byte(b.String()), nil
}

// Stats implements Service.
func (s *FixtureService) Stats() ([]casework.SignatureStats, error) {
	recs, _ := s.Queue()
	by := map[int64]*casework.SignatureStats{}
	var order []int64
	for _, r := range recs {
		st, ok := by[r.Alert.ThreatID]
		if !ok {
			st = &casework.SignatureStats{Threat: r.Alert.Threat, ThreatID: r.Alert.ThreatID}
			by[r.Alert.ThreatID] = st
			order = append(order, r.Alert.ThreatID)
		}
		st.Alerts++
		if r.Disposition != "" {
			st.Decided++
			if r.Disposition == casework.TruePositive {
				st.TruePositives++
			}
		}
	}
	out := make([]casework.SignatureStats, 0, len(order))
	for _, id := range order {
		st := by[id]
		if st.Decided > 0 {
			st.TPRate = float64(st.TruePositives) / float64(st.Decided)
		}
		out = append(out, *st)
	}
	return out, nil
}

// MarkFirstLook implements Service.
func (s *FixtureService) MarkFirstLook(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.records {
		if s.records[i].Alert.ID == id && s.records[i].FirstLook.IsZero() {
			s.records[i].FirstLook = s.now()
		}
	}
	return nil
}
