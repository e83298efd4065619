package casework

import (
	"errors"
	"io"
	"net/netip"
	"time"

	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// ErrNotFound is returned for an unknown alert id.
var ErrNotFound = errors.New("not found")

// CaptureRef is a stored capture file.
type CaptureRef struct {
	SHA256     string      `json:"sha256"`
	Name       string      `json:"name"`
	Format     string      `json:"format"`
	Size       int64       `json:"size"`
	Stored     bool        `json:"stored"` // bytes copied into the store (≤ 32 MiB)
	Path       string      `json:"path"`   // original path (verified by SHA256 when Stored is false)
	ImportedAt time.Time   `json:"imported_at"`
	First      time.Time   `json:"first,omitzero"`
	Last       time.Time   `json:"last,omitzero"`
	Pairs      [][2]string `json:"pairs,omitempty"`
}

// ImportRecord is one entry of the import log.
type ImportRecord struct {
	ingest.Summary
	Time time.Time `json:"time"`
}

// Repository is what casework needs from storage. store.Store implements it
// with bbolt; a shared server-database backend is planned, so nothing here
// names bbolt.
type Repository interface {
	ingest.Sink

	// Alerts returns every alert with its counts, newest first.
	Alerts() ([]AlertRecord, error)
	// Alert returns one alert, or ErrNotFound.
	Alert(id string) (AlertRecord, error)
	// PairFlows returns the flows between a and b in either direction whose
	// start is in [from, to]; a zero bound is open.
	PairFlows(a, b netip.Addr, from, to time.Time) ([]flow.Flow, error)
	// FlowsTo returns every flow whose destination is dst (blast radius).
	FlowsTo(dst netip.Addr) ([]flow.Flow, error)
	// ScanFlows calls fn for every stored flow.
	ScanFlows(fn func(*flow.Flow) error) error
	// CapturesFor returns the captures linked to an alert (holding its pair).
	CapturesFor(alertID string) ([]CaptureRef, error)
	// OpenCapture opens a capture's bytes, verifying the SHA256 of one kept
	// by path.
	OpenCapture(ref CaptureRef) (io.ReadCloser, error)
	// CacheGet and CachePut keep derived results (capture analyses) by key.
	CacheGet(key string) ([]byte, bool, error)
	CachePut(key string, val []byte) error
	// AppendDecision appends to the alert's history and returns the entry
	// with its Seq; earlier entries are never changed.
	AppendDecision(d Decision) (Decision, error)
	// Decisions returns an alert's history, oldest first.
	Decisions(alertID string) ([]Decision, error)
	// MarkFirstLook records when an analyst first opened the alert; later
	// calls keep the first time.
	MarkFirstLook(alertID string, at time.Time) error
	// Imports returns the import log, oldest first.
	Imports() ([]ImportRecord, error)
}
