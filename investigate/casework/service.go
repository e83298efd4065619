package casework

import (
	"context"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/intel"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// Options configure a Service.
type Options struct {
	Now     func() time.Time // clock; tests inject a fixed one
	Analyst string           // recorded with decisions ($USER or --analyst)

	// Authorized lists the miners that are allowed (hosts, networks,
	// wallets); an alert matching it is suggested benign.
	Authorized *AllowList
	// Pools is the mining-pool list; nil means intel.DefaultPools().
	Pools *intel.PoolList
	// Owners maps addresses to their owners (an iptoasn table); optional.
	Owners *intel.Owners
	// CaptureDetail keeps each capture's packet list and reassembled
	// streams in the analysis (the workbench's capture pane); off for the
	// command line, whose JSON stays small.
	CaptureDetail bool
}

// Service is the analyst's workflow over a Repository. The CLI and the
// workbench call the same methods.
type Service struct {
	repo Repository
	opts Options
}

// NewService returns a Service over repo.
func NewService(repo Repository, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{repo: repo, opts: opts}
}

// Finding is one step's conclusion; its JSON form is part of the
// `analyze --json` contract.
type Finding struct {
	Step    StepID   `json:"step"`
	Title   string   `json:"title"`
	Status  Status   `json:"status"`
	Summary string   `json:"summary"`
	Details []string `json:"details"`

	md *findingMD // markdown twins of Summary and Details, for the notes
}

// Suggestion is the suggested verdict with its reasons. It is never applied
// on its own: only the analyst decides.
type Suggestion struct {
	Disposition Disposition `json:"disposition"`
	Confidence  string      `json:"confidence"` // "high", "medium", "low"
	For         []string    `json:"for"`        // evidence of mining
	Against     []string    `json:"against"`    // contrary evidence
	// Cause is the likely way in, for a suggested true positive, with the
	// reason; the analyst confirms it on the host.
	Cause       Cause  `json:"cause,omitempty"`
	CauseReason string `json:"cause_reason,omitempty"`
	causeMD     string

	forMD, againstMD []string // markdown twins, for the notes
}

// CaptureAnalysis is one linked capture and what it held.
type CaptureAnalysis struct {
	Ref    CaptureRef      `json:"ref"`
	Result *capture.Result `json:"result,omitempty"`
	Err    string          `json:"error,omitempty"`
}

// Analysis is every step run for one alert. Its JSON form is the contract
// of `analyze --json`: {alert, steps, suggestion}, plus the evidence.
type Analysis struct {
	Alert      alert.Alert `json:"alert"`
	Record     AlertRecord `json:"-"`
	Steps      []Finding   `json:"steps"`
	Suggestion Suggestion  `json:"suggestion"`

	// Evidence behind the findings, for the workbench panes and the notes.
	Pair        *flow.Pair        `json:"pair,omitempty"`         // alert src → dst, nil without flows
	BlastRadius []flow.Pair       `json:"blast_radius,omitempty"` // other internal sources to the same destination
	Captures    []CaptureAnalysis `json:"captures,omitempty"`
	Sessions    []stratum.Session `json:"stratum,omitempty"` // Stratum sessions of the alert's pair (plaintext: a dialect each)
	// TLSSessions are the pair's Stratum-over-TLS sessions (the pool by SNI,
	// steps not observable): kept apart from Sessions, as in capture.Result,
	// so every entry of "stratum" names its dialect.
	TLSSessions []stratum.Session `json:"stratum_tls,omitempty"`
	Decisions   []Decision        `json:"decisions"`

	// What the addresses and application steps established.
	Src        Endpoint  `json:"src_endpoint"`
	Dst        Endpoint  `json:"dst_endpoint"`
	Client     string    `json:"client_side"` // "source", "destination" or "unknown"
	ClientWhy  string    `json:"client_side_reason"`
	Pools      []PoolHit `json:"pool_names,omitempty"`
	Authorized []string  `json:"authorized,omitempty"` // allow-list entries that matched
	// PayloadStratum says a Stratum session came from the IDS payload
	// recorded with the alert (the last of Sessions), not from a capture.
	PayloadStratum bool      `json:"payload_stratum,omitempty"`
	Timing         Timing    `json:"timing"`
	FlowFrom       time.Time `json:"flow_window_from"` // the window PairFlows was asked for
	FlowTo         time.Time `json:"flow_window_to"`

	flowFiles []string // files the pair's flows came from (evidence list)
}

// SignatureStats counts decisions per threat signature (`list --stats`).
type SignatureStats struct {
	Threat        string  `json:"threat"`
	ThreatID      int64   `json:"threat_id"`
	Alerts        int     `json:"alerts"`
	Decided       int     `json:"decided"`
	TruePositives int     `json:"true_positives"`
	TPRate        float64 `json:"tp_rate"` // of the decided

	// MedianToDecision is the median time from alert to first decision, in
	// seconds, over the decided alerts.
	MedianToDecision float64 `json:"median_to_decision_s"`

	decisionTimes []float64
}

// Import detects a file's format and loads it in one transaction.
func (s *Service) Import(ctx context.Context, path string, opts ingest.Options) (ingest.Summary, error) {
	return ingest.ImportFile(ctx, path, s.repo, opts)
}

// Queue returns the alerts, newest first, with evidence counts and the
// latest disposition.
func (s *Service) Queue() ([]AlertRecord, error) { return s.repo.Alerts() }

// History returns the alert's decisions, oldest first.
func (s *Service) History(alertID string) ([]Decision, error) { return s.repo.Decisions(alertID) }

// MarkFirstLook records that an analyst opened the alert now.
func (s *Service) MarkFirstLook(alertID string) error {
	return s.repo.MarkFirstLook(alertID, s.opts.Now())
}
