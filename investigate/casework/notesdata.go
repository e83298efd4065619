package casework

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minertriage/minertriage/investigate/stratum"
)

// Indicator is one indicator of compromise for the notes. Value is as seen
// (untrusted); the markdown defangs it, the JSON keeps it for tools that
// defang on their own.
type Indicator struct {
	Type    string `json:"type"` // "ip", "domain", "url", "wallet", "worker", "agent", "password"
	Value   string `json:"value"`
	Context string `json:"context"`
}

// Event is one line of the case timeline.
type Event struct {
	Time  time.Time `json:"time"`
	What  string    `json:"what"`
	whatM string    // markdown twin
}

// EvidenceFile is an imported file that holds part of the case's evidence.
type EvidenceFile struct {
	File     string    `json:"file"`
	Format   string    `json:"format"`
	SHA256   string    `json:"sha256"`
	Imported time.Time `json:"imported"`
	Holds    string    `json:"holds"` // "alert", "flows", "capture"
}

// indicators lists the case's indicators, destination first.
func (a *Analysis) indicators() []Indicator {
	var out []Indicator
	seen := map[string]bool{}
	add := func(typ, val, ctx string) {
		k := typ + "\x00" + strings.ToLower(val)
		if val == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Indicator{Type: typ, Value: val, Context: ctx})
	}
	dstCtx := "destination, port " + strconv.Itoa(int(a.Alert.DstPort))
	if a.Dst.Internal {
		dstCtx = "internal destination, port " + strconv.Itoa(int(a.Alert.DstPort))
	}
	add("ip", a.Alert.Dst.String(), dstCtx)
	for _, p := range a.Pools {
		if p.Seen == seenAddress {
			continue
		}
		ctx := p.Seen
		if p.Known {
			ctx += ", known pool"
		}
		add("domain", p.Host, ctx)
	}
	if strings.Contains(a.Alert.URL, "/") {
		add("url", a.Alert.URL, "alert URL field")
	}
	for _, s := range a.Sessions {
		wallet, worker := splitLogin(s.Login)
		add("wallet", wallet, "Stratum login ("+string(s.Dialect)+")")
		add("worker", worker, "suffix of the login")
		if s.Password != "" && s.Password != "x" {
			add("password", s.Password, "Stratum login password (often the worker name)")
		}
		add("agent", s.Agent, "miner user agent")
		for _, r := range s.Reconnects {
			add("domain", r, "pool reconnect target")
		}
	}
	add("ip", a.Alert.Src.String(), "affected internal host (source)")
	return out
}

// splitLogin separates a wallet from a worker suffix ("WALLET.rig1").
func splitLogin(login string) (wallet, worker string) {
	if i := strings.IndexAny(login, ".+"); i > 20 {
		return login[:i], login[i+1:]
	}
	return login, ""
}

// timeline is the case in time order: the alert, the flows, every observed
// Stratum step, and the decisions.
func (a *Analysis) timeline() []Event {
	var ev []Event
	add := func(t time.Time, l *line) {
		if t.IsZero() {
			return
		}
		p, m := l.text()
		ev = append(ev, Event{Time: t.UTC(), What: p, whatM: m})
	}
	al := a.Alert
	add(al.Time, newLine("alert ").u(al.Threat).t(" (%d) on ", al.ThreatID).h(addrPort(al.Src, al.SrcPort)).t(" → ").h(addrPort(al.Dst, al.DstPort)).t(", action ").u(orNone(al.Action)))
	if p := a.Pair; p != nil && p.Sessions > 0 {
		add(p.First, newLine("first flow ").h(p.Src.String()).t(" → ").h(p.Dst.String()))
		add(p.Last, newLine("last flow ends (%s in all)", plural(p.Sessions, "session")))
	}
	for _, s := range a.Sessions {
		for _, st := range s.Steps {
			if st.Observed {
				add(st.Time, newLine("Stratum %s (frame %d, ", st.Step, st.Frame).u(st.Method).t(") ").h(s.Client).t(" → ").h(s.Server))
			}
		}
	}
	if !a.Timing.FirstLook.IsZero() {
		add(a.Timing.FirstLook, newLine("first look by an analyst"))
	}
	for _, d := range a.Decisions {
		add(d.Time, newLine("decision #%d: %s", d.Seq, d.Disposition).t(" by ").u(d.Analyst))
	}
	slices.SortStableFunc(ev, func(x, y Event) int { return x.Time.Compare(y.Time) })
	return ev
}

// evidenceFiles picks from the import log the files that hold this case's
// evidence: the alert's file, the pair's flow files and the captures.
func (a *Analysis) evidenceFiles(imports []ImportRecord) []EvidenceFile {
	holds := map[string]string{}
	mark := func(name, what string) {
		if name == "" {
			return
		}
		b := filepath.Base(name)
		if h, ok := holds[b]; ok && h != what && !strings.Contains(h, what) {
			holds[b] = h + ", " + what
		} else if !ok {
			holds[b] = what
		}
	}
	mark(a.Alert.File, "alert")
	for _, f := range a.flowFiles {
		mark(f, "flows")
	}
	bySHA := map[string]bool{}
	for _, c := range a.Captures {
		bySHA[c.Ref.SHA256] = true
		mark(c.Ref.Name, "capture")
	}
	var out []EvidenceFile
	for _, r := range imports {
		h, ok := holds[filepath.Base(r.File)]
		if !ok && bySHA[r.SHA256] {
			h, ok = "capture", true
		}
		if !ok {
			continue
		}
		out = append(out, EvidenceFile{File: filepath.Base(r.File), Format: string(r.Format), SHA256: r.SHA256, Imported: r.Time.UTC(), Holds: h})
	}
	return out
}

// recommendations is the checklist for the notes: the latest decision's,
// or the defaults that follow from the suggestion.
func (a *Analysis) recommendations() (items []RemediationItem, fromDecision bool) {
	if n := len(a.Decisions); n > 0 {
		return a.Decisions[n-1].Remediation, true
	}
	return DefaultRemediation(a.Suggestion.Disposition, a.Suggestion.Cause), false
}

// messagesOf returns a session's messages (capped for the notes).
func messagesOf(s stratum.Session, limit int) []stratum.Message {
	if len(s.Messages) > limit {
		return s.Messages[:limit]
	}
	return s.Messages
}
