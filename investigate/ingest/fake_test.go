package ingest

import (
	"sync"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// fakeSink is an in-memory Sink that records what reaches it, so tests can
// assert that a failed import stored nothing.
type fakeSink struct {
	mu        sync.Mutex
	imported  map[string]bool // sha256 of committed files
	alerts    map[string]*alert.Alert
	flows     []*flow.Flow
	captures  []CaptureFile
	metas     []FileMeta
	summaries []Summary
	begun     int
	commits   int
	rollbacks int
	open      *fakeTx
}

func newFakeSink() *fakeSink {
	return &fakeSink{imported: map[string]bool{}, alerts: map[string]*alert.Alert{}}
}

func (s *fakeSink) BeginImport(meta FileMeta) (Tx, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.imported[meta.SHA256] {
		return nil, ErrDuplicateFile
	}
	s.begun++
	s.metas = append(s.metas, meta)
	s.open = &fakeTx{s: s, meta: meta, alerts: map[string]*alert.Alert{}}
	return s.open, nil
}

// fakeTx buffers records until Commit, like a store transaction.
type fakeTx struct {
	s        *fakeSink
	meta     FileMeta
	alerts   map[string]*alert.Alert
	order    []string
	flows    []*flow.Flow
	captures []CaptureFile
	done     bool
}

func (t *fakeTx) PutAlert(a *alert.Alert) (bool, error) {
	if t.done {
		panic("PutAlert after the transaction ended")
	}
	if _, ok := t.s.alerts[a.ID]; ok {
		return false, nil
	}
	if _, ok := t.alerts[a.ID]; ok {
		return false, nil
	}
	t.alerts[a.ID] = a
	t.order = append(t.order, a.ID)
	return true, nil
}

func (t *fakeTx) PutFlow(f *flow.Flow) (bool, error) {
	if t.done {
		panic("PutFlow after the transaction ended")
	}
	t.flows = append(t.flows, f)
	return true, nil
}

func (t *fakeTx) PutCapture(c CaptureFile) (bool, error) {
	t.captures = append(t.captures, c)
	return true, nil
}

func (t *fakeTx) Commit(sum Summary) error {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	t.done = true
	t.s.commits++
	t.s.imported[t.meta.SHA256] = true
	for id, a := range t.alerts {
		t.s.alerts[id] = a
	}
	t.s.flows = append(t.s.flows, t.flows...)
	t.s.captures = append(t.s.captures, t.captures...)
	t.s.summaries = append(t.s.summaries, sum)
	return nil
}

func (t *fakeTx) Rollback() error {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	t.done = true
	t.s.rollbacks++
	return nil
}

// alertList returns the committed alerts of one file in file order.
func (s *fakeSink) alertByThreatID(id int64) *alert.Alert {
	for _, a := range s.alerts {
		if a.ThreatID == id {
			return a
		}
	}
	return nil
}

// empty reports whether nothing was ever committed.
func (s *fakeSink) empty() bool {
	return len(s.alerts) == 0 && len(s.flows) == 0 && len(s.captures) == 0 && s.commits == 0
}
