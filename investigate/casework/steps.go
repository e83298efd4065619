package casework

import (
	"fmt"
	"strings"

	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// fetchTraffic says where to get the pair's traffic logs on a PAN-OS
// firewall.
func (a *Analysis) fetchTraffic() *line {
	return newLine("no traffic logs: Monitor > Logs > Traffic, filter (addr.src in ").h(a.Alert.Src.String()).
		t(") and (addr.dst in ").h(a.Alert.Dst.String()).t("), Export to CSV, then import it")
}

// fetchCapture says where to get the alert's packet capture.
func (a *Analysis) fetchCapture() *line {
	l := newLine("no capture: export the threat PCAP from Monitor > Logs > Threat (the PCAP column)")
	if id := a.Alert.PCAPID; id != "" && id != "0" {
		l.t(", PCAP ID ").u(id)
	} else {
		l.t("; if the firewall kept none, enable packet capture on the anti-spyware profile or take one at the host")
	}
	return l.t(", then import it")
}

// findNetflow is step 3: the pair's sessions over time and their score.
func (a *Analysis) findNetflow() Finding {
	b := &finding{f: Finding{Step: StepNetflow, Title: "Netflow"}}
	p := a.Pair
	if p == nil || p.Sessions == 0 {
		b.f.Status = StatusMissing
		b.summary(a.fetchTraffic())
		b.detail(newLine("looked for flows between the two hosts from %s to %s", a.FlowFrom.Format(timeLayout), a.FlowTo.Format(timeLayout)))
		a.blastDetails(b)
		return b.done()
	}
	span := p.Last.Sub(p.First)
	sent, recv := float64(p.BytesSent)/float64(p.Sessions), float64(p.BytesReceived)/float64(p.Sessions)
	l := newLine("").h(a.Src.Addr.String()).t(" (%s) ", where(a.Src))
	switch p.Verdict {
	case flow.VerdictLongSession:
		l.t("held a session open to ")
		a.dstLabel(l).t(" for %s (%s in total), %s sent and %s received", humanSeconds(p.LongSession), plural(p.Sessions, "session"), humanBytes(float64(p.BytesSent)), humanBytes(float64(p.BytesReceived)))
	case flow.VerdictRetryBurst:
		l.t("tried ")
		a.dstLabel(l).t(" %d times over %s%s, almost no bytes (about %s each): the connection is being refused or blocked", p.Sessions, humanDuration(span), a.cadence(), humanBytes(sent+recv))
	default:
		l.t("opened %s to ", plural(p.Sessions, "connection"))
		a.dstLabel(l).t(" over %s%s, %s", humanDuration(span), a.cadence(), sizeWords(sent, recv))
	}
	b.summary(l)
	switch p.Verdict {
	case flow.VerdictBeacon, flow.VerdictLongSession, flow.VerdictRetryBurst:
		b.f.Status = StatusSupports
	case flow.VerdictIrregular:
		b.f.Status = StatusAgainst
	default:
		b.f.Status = StatusNeutral
	}
	b.detailf("verdict %s, score %.2f (beacon %.2f, long session %.2f, retry burst %.2f)", p.Verdict, p.Score, p.Parts.Beacon, p.Parts.LongSession, p.Parts.RetryBurst)
	b.detailf("destination ports %s; first %s, last %s", fmtPorts(p.DstPorts), p.First.UTC().Format(timeLayout), p.Last.UTC().Format(timeLayout))
	b.detailf("median gap %s, median size %s, longest session %s", humanSeconds(p.IntervalMedian), humanBytes(p.SizeMedian), humanSeconds(p.LongSession))
	for _, r := range p.Parts.Reasons {
		b.detail(newLine("").t("%s", r))
	}
	a.blastDetails(b)
	return b.done()
}

// cadence writes ", every 60 s ± 3 s" from the session starts, or "".
func (a *Analysis) cadence() string {
	if a.Pair == nil {
		return ""
	}
	med, mad, ok := intervalSpread(a.Pair.Series)
	if !ok {
		return ""
	}
	return fmt.Sprintf(", every %s ± %s", humanSeconds(med), humanSeconds(mad))
}

// sizeWords writes "about 1.6 KB each way" or "about 200 B sent and 40 KB
// received per connection".
func sizeWords(sent, recv float64) string {
	hi, lo := max(sent, recv), min(sent, recv)
	if hi == 0 || lo/hi >= 0.7 {
		return "about " + humanBytes((sent+recv)/2) + " each way"
	}
	return fmt.Sprintf("about %s sent and %s received per connection", humanBytes(sent), humanBytes(recv))
}

// blastDetails adds the other internal hosts reaching the destination.
func (a *Analysis) blastDetails(b *finding) {
	if len(a.BlastRadius) == 0 {
		b.detail(newLine("no other internal host reached ").h(a.Alert.Dst.String()).t(" in the stored flows"))
		return
	}
	l := newLine("other internal hosts reaching ").h(a.Alert.Dst.String()).t(": ")
	for i, p := range a.BlastRadius {
		if i == 10 {
			l.t(" (+%d more)", len(a.BlastRadius)-10)
			break
		}
		if i > 0 {
			l.t(", ")
		}
		l.h(p.Src.String()).t(" (%s, %s)", plural(p.Sessions, "session"), p.Verdict)
	}
	b.detail(l)
}

// findCapture is step 4: what the linked captures hold for the pair.
func (a *Analysis) findCapture(cf captureFacts) Finding {
	b := &finding{f: Finding{Step: StepCapture, Title: "Packet capture"}}
	if cf.files == 0 {
		b.f.Status = StatusMissing
		b.summary(a.fetchCapture())
		return b.done()
	}
	for _, c := range a.Captures {
		l := newLine("").u(c.Ref.Name).t(" (%s, %s, sha256 %s)", c.Ref.Format, humanBytes(float64(c.Ref.Size)), shortHash(c.Ref.SHA256))
		if c.Err != "" {
			l.t(": not analysed: ").u(c.Err)
		} else if c.Result != nil {
			l.t(": %d packets", c.Result.Packets)
			if c.Result.Truncated {
				l.t(", truncated")
			}
		}
		b.detail(l)
		if c.Result != nil {
			for _, w := range c.Result.Warnings {
				b.detail(newLine("warning: ").u(w))
			}
		}
	}
	var pkts int
	var bytes int64
	for _, c := range cf.convs {
		pkts += c.Packets
		bytes += c.Bytes
		l := newLine("conversation ").h(c.Client).t(" → ").h(c.Server).t(" %s, %d packets, %s", c.Proto, c.Packets, humanBytes(float64(c.Bytes)))
		if c.App != "" {
			l.t(", ").u(c.App)
		}
		if c.SNI != "" {
			l.t(", SNI ").h(c.SNI)
		}
		if c.Gaps > 0 {
			l.t(", %d reassembly gaps", c.Gaps)
		}
		b.detail(l)
	}
	l := newLine("%s linked", plural(cf.files, "capture"))
	switch {
	case cf.analysed == 0:
		b.f.Status = StatusNeutral
		l.t(", none could be analysed")
	case len(cf.convs) == 0:
		b.f.Status = StatusNeutral
		l.t(", none holds traffic between ").h(a.Alert.Src.String()).t(" and ").h(a.Alert.Dst.String())
	default:
		l.t(": %s between the hosts, %d packets, %s", plural(len(cf.convs), "conversation"), pkts, humanBytes(float64(bytes)))
		switch {
		case len(a.Sessions) > 0:
			b.f.Status = StatusSupports
			l.t(", carrying Stratum (")
			var dialects []string
			for _, s := range a.Sessions {
				dialects = uniq(dialects, string(s.Dialect))
			}
			listUntrusted(l, dialects, 4)
			l.t(")")
		case len(a.TLSSessions) > 0:
			b.f.Status = StatusNeutral
			l.t(", ").add(a.tlsLine())
		case cf.payload:
			b.f.Status = StatusAgainst
			l.t(", payload in the clear but no Stratum")
		case cf.tls:
			b.f.Status = StatusNeutral
			l.t(", encrypted (TLS): the payload cannot be read")
		default:
			b.f.Status = StatusNeutral
			l.t(", no payload from the client")
		}
	}
	b.summary(l)
	return b.done()
}

// shortHash writes the first 12 hex digits of a sha256.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// findStratum is step 5: the mining session reconstructed from the capture.
func (a *Analysis) findStratum(cf captureFacts) Finding {
	b := &finding{f: Finding{Step: StepStratum, Title: "Stratum"}}
	if len(a.Sessions) == 0 {
		switch {
		case len(a.TLSSessions) > 0:
			b.f.Status = StatusNeutral
			b.summary(a.tlsLine())
			for _, s := range a.TLSSessions {
				tlsSessionDetails(b, s)
			}
		case cf.files == 0:
			b.f.Status = StatusMissing
			b.summary(newLine("no Stratum to reconstruct without a capture; ").add(a.fetchCapture()))
		case cf.payload:
			b.f.Status = StatusAgainst
			b.summary(newLine("the capture holds the pair's payload and none of it is Stratum (no login, job or submit)"))
		case cf.tls:
			b.f.Status = StatusNeutral
			b.summary(newLine("the pair's traffic is TLS: Stratum steps cannot be observed"))
		default:
			b.f.Status = StatusMissing
			b.summary(newLine("the capture holds none of the pair's payload; a capture of the session itself is needed"))
		}
		return b.done()
	}
	strongest := a.Sessions[0]
	for _, s := range a.Sessions {
		if sessionStrength(s) > sessionStrength(strongest) {
			strongest = s
		}
	}
	b.summary(sessionLine(strongest, len(a.Sessions)))
	switch {
	case sessionStrength(strongest) >= 1:
		b.f.Status = StatusSupports
	default:
		b.f.Status = StatusNeutral
	}
	if a.PayloadStratum {
		b.detailf("the last session is the payload the IDS recorded with the alert: one packet, not a capture")
	}
	for _, s := range a.Sessions {
		sessionDetails(b, s)
	}
	if len(a.TLSSessions) > 0 {
		b.detail(a.tlsLine())
	}
	for _, s := range a.TLSSessions {
		tlsSessionDetails(b, s)
	}
	return b.done()
}

// sessionStrength ranks what a session proves: 3 job and submit, 2 job,
// 1 login, 0 nothing readable.
func sessionStrength(s stratum.Session) int {
	job, sub := seen(stepOf(s, stratum.StepJob)), stepOf(s, stratum.StepSubmit).Observed
	switch {
	case job && sub:
		return 3
	case job:
		return 2
	case seen(stepOf(s, stratum.StepLogin)):
		return 1
	}
	return 0
}

// sessionLine is the stratum step's one line for a session.
func sessionLine(s stratum.Session, n int) *line {
	l := newLine("").u(string(s.Dialect)).t(" session ").h(s.Client).t(" → ").h(s.Server)
	login := stepOf(s, stratum.StepLogin)
	l.t(": login %s", stepWord(login))
	if s.Agent != "" {
		l.t(" (agent ").u(s.Agent).t(")")
	}
	l.t(", job %s", stepWord(stepOf(s, stratum.StepJob)))
	sub := stepOf(s, stratum.StepSubmit)
	if sub.Count > 0 {
		l.t(", %s submitted, %d accepted, %d rejected", plural(sub.Count, "share"), s.Accepted, s.Rejected)
	} else {
		l.t(", no share submitted")
	}
	if n > 1 {
		l.t(" (%d sessions)", n)
	}
	return l
}

// sessionDetails adds one session's facts.
func sessionDetails(b *finding, s stratum.Session) {
	b.detail(newLine("session ").h(s.Client).t(" → ").h(s.Server).t(", dialect ").u(string(s.Dialect)).t(", %d messages", s.MessagesTotal))
	for _, st := range s.Steps {
		l := newLine("  %s: %s", st.Step, stepWord(st))
		if st.Observed {
			l.t(" at %s (frame %d, ", st.Time.UTC().Format(timeLayout), st.Frame).u(st.Method).t(")")
		}
		if st.Count > 1 {
			l.t(", %d times", st.Count)
		}
		if st.Step == stratum.StepResult && (st.Accepted > 0 || st.Rejected > 0) {
			l.t(", %d accepted, %d rejected", st.Accepted, st.Rejected)
		}
		if st.Reason != "" {
			l.t(" — ").u(st.Reason)
		}
		b.detail(l)
	}
	if s.PoolHost != "" {
		b.detail(newLine("  pool host: ").h(s.PoolHost))
	}
	if s.Login != "" {
		b.detail(newLine("  wallet or worker: ").u(s.Login))
	}
	if s.Agent != "" {
		b.detail(newLine("  agent: ").u(s.Agent))
	}
	if len(s.Algorithms) > 0 {
		l := newLine("  algorithms: ")
		listUntrusted(l, s.Algorithms, 12)
		b.detail(l)
	}
	if s.Target != "" || s.Difficulty > 0 {
		b.detail(newLine("  target ").u(orNone(s.Target)).t(", difficulty %.0f, height %d", s.Difficulty, s.Height))
	}
	if s.SeedHash != "" {
		b.detail(newLine("  seed hash ").u(s.SeedHash))
	}
	if len(s.JobIDs) > 0 {
		l := newLine("  job ids: ")
		listUntrusted(l, s.JobIDs, 5)
		b.detail(l)
	}
	if s.Keepalives > 0 {
		b.detailf("  %s (the miner's idle keepalive, about every 60 s)", plural(s.Keepalives, "keepalive"))
	}
	for _, e := range s.RejectErrors {
		b.detail(newLine("  pool rejected a share: ").u(e))
	}
	for _, r := range s.Reconnects {
		b.detail(newLine("  pool asked to reconnect to ").h(r))
	}
}

// timeLayout is RFC 3339 with nanoseconds, UTC, as DESIGN.md asks.
const timeLayout = "2006-01-02T15:04:05.999999999Z07:00"

// sentence capitalises the first letter of a summary for prose.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
