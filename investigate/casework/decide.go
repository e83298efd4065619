package casework

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Dispositions are the allowed dispositions, in the order they are offered.
var Dispositions = []Disposition{TruePositive, FalsePositive, Benign, NeedsInfo}

// Causes are the allowed causes, in the order they are offered.
var Causes = []Cause{CausePublicApp, CauseAccessKey, CausePhishing, CauseInsider, CauseUnknown}

// ErrInvalid marks a decision that names an unknown disposition or cause;
// the CLI turns it into a usage error (exit 2).
var ErrInvalid = errors.New("invalid decision")

// ParseDisposition checks s against the allowed dispositions.
func ParseDisposition(s string) (Disposition, error) {
	d := Disposition(strings.TrimSpace(strings.ToLower(s)))
	if slices.Contains(Dispositions, d) {
		return d, nil
	}
	return "", fmt.Errorf("%w: disposition %q is not one of %s", ErrInvalid, s, joinNames(Dispositions))
}

// ParseCause checks s against the allowed causes; "" is allowed (no cause).
func ParseCause(s string) (Cause, error) {
	c := Cause(strings.TrimSpace(strings.ToLower(s)))
	if c == "" || slices.Contains(Causes, c) {
		return c, nil
	}
	return "", fmt.Errorf("%w: cause %q is not one of %s", ErrInvalid, s, joinNames(Causes))
}

func joinNames[T ~string](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// The remediation actions, worded as checklist items.
const (
	ActIsolate   = "Isolate the host from the network"
	ActKill      = "Find and kill the miner process and its persistence (cron, systemd units, ~/.bashrc, scheduled tasks)"
	ActPatch     = "Patch the exploited public-facing application and review its logs for the entry point"
	ActRotate    = "Rotate exposed keys (AWS access keys starting AKIA) and review the cloud audit log for their use"
	ActBlock     = "Block the pool's domains and addresses at the firewall and DNS"
	ActHunt      = "Look for other infected hosts (the blast radius: other internal sources reaching the pool)"
	ActPhish     = "Find the delivering mail or removable media and scan the user's other devices"
	ActInsider   = "Escalate to HR and legal per the insider policy; preserve the host's evidence"
	ActAllowList = "Confirm the authorisation with the host's owner and keep the allow-list entry current"
	ActTune      = "Document why the signature fired and tune or except it for this host pair"
	ActFetch     = "Fetch the missing evidence (traffic logs, the threat PCAP) and re-run the analysis"
)

// DefaultRemediation is the checklist that follows from a disposition and
// a cause.
func DefaultRemediation(d Disposition, c Cause) []RemediationItem {
	var acts []string
	switch d {
	case TruePositive:
		acts = []string{ActIsolate, ActKill}
		switch c {
		case CausePublicApp:
			acts = append(acts, ActPatch)
		case CauseAccessKey:
			acts = append(acts, ActRotate)
		case CausePhishing:
			acts = append(acts, ActPhish)
		case CauseInsider:
			acts = append(acts, ActInsider)
		}
		acts = append(acts, ActBlock, ActHunt)
	case Benign:
		acts = []string{ActAllowList}
	case FalsePositive:
		acts = []string{ActTune}
	case NeedsInfo:
		acts = []string{ActFetch}
	}
	items := make([]RemediationItem, len(acts))
	for i, a := range acts {
		items[i] = RemediationItem{Action: a}
	}
	return items
}

// Decide validates and appends a decision; Time and Analyst are filled in
// when empty, and the remediation checklist defaults to what follows from
// the disposition and cause. Earlier decisions are never changed: a change
// of mind is a new entry.
func (s *Service) Decide(d Decision) (Decision, error) {
	disp, err := ParseDisposition(string(d.Disposition))
	if err != nil {
		return Decision{}, err
	}
	cause, err := ParseCause(string(d.Cause))
	if err != nil {
		return Decision{}, err
	}
	if _, err := s.repo.Alert(d.AlertID); err != nil {
		return Decision{}, err
	}
	d.Disposition, d.Cause = disp, cause
	if d.Time.IsZero() {
		d.Time = s.opts.Now()
	}
	d.Time = d.Time.UTC()
	if d.Analyst == "" {
		d.Analyst = s.opts.Analyst
	}
	if d.Analyst == "" {
		d.Analyst = "unknown"
	}
	if len(d.Remediation) == 0 {
		d.Remediation = DefaultRemediation(disp, cause)
	}
	d.Seq = 0 // the store assigns it
	return s.repo.AppendDecision(d)
}

// timing computes time to first look and to the first decision.
func timing(rec AlertRecord, decisions []Decision) Timing {
	t := Timing{FirstLook: rec.FirstLook}
	at := rec.Alert.Time
	if !rec.FirstLook.IsZero() && !at.IsZero() {
		t.ToFirstLook = rec.FirstLook.Sub(at).Seconds()
	}
	if len(decisions) > 0 {
		t.Decided = decisions[0].Time
		if !at.IsZero() {
			t.ToDecision = t.Decided.Sub(at).Seconds()
		}
	}
	return t
}

// Stats counts decisions and true positives per signature, the signatures
// with the most alerts first. An alert counts by its latest disposition.
func (s *Service) Stats() ([]SignatureStats, error) {
	recs, err := s.repo.Alerts()
	if err != nil {
		return nil, err
	}
	type key struct {
		name string
		id   int64
	}
	by := map[key]*SignatureStats{}
	var order []key
	for _, r := range recs {
		k := key{r.Alert.Threat, r.Alert.ThreatID}
		st := by[k]
		if st == nil {
			st = &SignatureStats{Threat: k.name, ThreatID: k.id}
			by[k] = st
			order = append(order, k)
		}
		st.Alerts++
		if r.Disposition == "" {
			continue
		}
		st.Decided++
		if r.Disposition == TruePositive {
			st.TruePositives++
		}
		if ds, err := s.repo.Decisions(r.Alert.ID); err == nil && len(ds) > 0 && !r.Alert.Time.IsZero() {
			st.decisionTimes = append(st.decisionTimes, ds[0].Time.Sub(r.Alert.Time).Seconds())
		}
	}
	out := make([]SignatureStats, 0, len(order))
	for _, k := range order {
		st := by[k]
		if st.Decided > 0 {
			st.TPRate = float64(st.TruePositives) / float64(st.Decided)
			st.MedianToDecision = medianOf(st.decisionTimes)
		}
		out = append(out, *st)
	}
	slices.SortStableFunc(out, func(a, b SignatureStats) int {
		if a.Alerts != b.Alerts {
			return b.Alerts - a.Alerts
		}
		return strings.Compare(a.Threat, b.Threat)
	})
	return out, nil
}

// sinceAlert formats a duration in seconds for the notes.
func sinceAlert(sec float64) string {
	if sec < 0 {
		return "before the alert"
	}
	return humanDuration(time.Duration(sec * float64(time.Second)))
}
