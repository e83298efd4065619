package casework

import (
	"bytes"
	"io"
	"net/netip"
	"slices"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// memRepo is an in-memory Repository for the unit tests: the real one is
// store.Store, exercised by the end-to-end tests in cmd/minertriage.
type memRepo struct {
	alerts    []AlertRecord
	flows     []flow.Flow
	captures  map[string][]CaptureRef
	bytes     map[string][]byte
	cache     map[string][]byte
	decisions map[string][]Decision
	imports   []ImportRecord
}

func newMemRepo() *memRepo {
	return &memRepo{captures: map[string][]CaptureRef{}, bytes: map[string][]byte{}, cache: map[string][]byte{}, decisions: map[string][]Decision{}}
}

func (m *memRepo) addAlert(a alert.Alert) { m.alerts = append(m.alerts, AlertRecord{Alert: a}) }

func (m *memRepo) BeginImport(meta ingest.FileMeta) (ingest.Tx, error) { panic("not used") }

func (m *memRepo) Alerts() ([]AlertRecord, error) {
	out := slices.Clone(m.alerts)
	for i := range out {
		if ds := m.decisions[out[i].Alert.ID]; len(ds) > 0 {
			out[i].Disposition = ds[len(ds)-1].Disposition
			out[i].DecidedAt = ds[len(ds)-1].Time
		}
	}
	return out, nil
}

func (m *memRepo) Alert(id string) (AlertRecord, error) {
	all, _ := m.Alerts()
	for _, r := range all {
		if r.Alert.ID == id {
			return r, nil
		}
	}
	return AlertRecord{}, ErrNotFound
}

func (m *memRepo) PairFlows(a, b netip.Addr, from, to time.Time) ([]flow.Flow, error) {
	var out []flow.Flow
	for _, f := range m.flows {
		if !(f.Src == a && f.Dst == b || f.Src == b && f.Dst == a) {
			continue
		}
		if !from.IsZero() && f.Start.Before(from) || !to.IsZero() && f.Start.After(to) {
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

func (m *memRepo) FlowsTo(dst netip.Addr) ([]flow.Flow, error) {
	var out []flow.Flow
	for _, f := range m.flows {
		if f.Dst == dst {
			out = append(out, f)
		}
	}
	return out, nil
}

func (m *memRepo) ScanFlows(fn func(*flow.Flow) error) error {
	for i := range m.flows {
		if err := fn(&m.flows[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memRepo) CapturesFor(id string) ([]CaptureRef, error) { return m.captures[id], nil }

func (m *memRepo) OpenCapture(ref CaptureRef) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(m.bytes[ref.SHA256])), nil
}

func (m *memRepo) CacheGet(k string) ([]byte, bool, error) { v, ok := m.cache[k]; return v, ok, nil }
func (m *memRepo) CachePut(k string, v []byte) error       { m.cache[k] = v; return nil }

func (m *memRepo) AppendDecision(d Decision) (Decision, error) {
	d.Seq = len(m.decisions[d.AlertID]) + 1
	m.decisions[d.AlertID] = append(m.decisions[d.AlertID], d)
	return d, nil
}

func (m *memRepo) Decisions(id string) ([]Decision, error) { return slices.Clone(m.decisions[id]), nil }

func (m *memRepo) MarkFirstLook(id string, at time.Time) error {
	for i := range m.alerts {
		if m.alerts[i].Alert.ID == id && m.alerts[i].FirstLook.IsZero() {
			m.alerts[i].FirstLook = at
		}
	}
	return nil
}

func (m *memRepo) Imports() ([]ImportRecord, error) { return m.imports, nil }

var _ Repository = (*memRepo)(nil)
