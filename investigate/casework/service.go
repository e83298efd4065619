package casework

import (
	"context"
	"errors"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// errNotBuilt marks the parts of the Service still being written.
// TODO(casework owner): remove once every method is real.
var errNotBuilt = errors.New("not built yet")

// Options configure a Service.
type Options struct {
	Now     func() time.Time // clock; tests inject a fixed one
	Analyst string           // recorded with decisions ($USER or --analyst)
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
}

// Suggestion is the suggested verdict with its reasons. It is never applied
// on its own: only the analyst decides.
type Suggestion struct {
	Disposition Disposition `json:"disposition"`
	Confidence  string      `json:"confidence"` // "high", "medium", "low"
	For         []string    `json:"for"`        // evidence of mining
	Against     []string    `json:"against"`    // contrary evidence
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
	Sessions    []stratum.Session `json:"stratum,omitempty"` // Stratum sessions of the alert's pair
	Decisions   []Decision        `json:"decisions"`
}

// SignatureStats counts decisions per threat signature (`list --stats`).
type SignatureStats struct {
	Threat        string  `json:"threat"`
	ThreatID      int64   `json:"threat_id"`
	Alerts        int     `json:"alerts"`
	Decided       int     `json:"decided"`
	TruePositives int     `json:"true_positives"`
	TPRate        float64 `json:"tp_rate"` // of the decided
}

// Import detects a file's format and loads it in one transaction.
func (s *Service) Import(ctx context.Context, path string, opts ingest.Options) (ingest.Summary, error) {
	return ingest.ImportFile(ctx, path, s.repo, opts)
}

// Queue returns the alerts, newest first, with evidence counts and the
// latest disposition.
func (s *Service) Queue() ([]AlertRecord, error) { return s.repo.Alerts() }

// Analyze runs every step for one alert.
func (s *Service) Analyze(ctx context.Context, alertID string) (*Analysis, error) {
	return nil, errNotBuilt
}

// Decide validates and appends a decision; Time and Analyst are filled in
// when empty.
func (s *Service) Decide(d Decision) (Decision, error) { return Decision{}, errNotBuilt }

// History returns the alert's decisions, oldest first.
func (s *Service) History(alertID string) ([]Decision, error) { return s.repo.Decisions(alertID) }

// Notes returns the markdown case notes for one alert.
func (s *Service) Notes(ctx context.Context, alertID string) ([]byte, error) {
	return nil, errNotBuilt
}

// Stats counts decisions and true positives per signature.
func (s *Service) Stats() ([]SignatureStats, error) { return nil, errNotBuilt }

// MarkFirstLook records that an analyst opened the alert now.
func (s *Service) MarkFirstLook(alertID string) error {
	return s.repo.MarkFirstLook(alertID, s.opts.Now())
}
