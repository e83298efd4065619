package stratum

import "time"

// step indexes into Tracker.steps, in session order.
const (
	iLogin = iota
	iJob
	iSubmit
	iResult
)

// stepState accumulates one step while bytes are fed.
type stepState struct {
	name     StepName
	count    int
	time     time.Time
	frame    int
	method   string
	accepted int
	rejected int
	reason   string
}

// observe counts one observation of step i shown by method.
func (t *Tracker) observe(i int, method string) {
	st := &t.steps[i]
	if st.count == 0 {
		st.time, st.frame, st.method = t.ts, t.frame, method
	}
	st.count++
}

// shareResult records the pool's verdict on a submitted share.
func (t *Tracker) shareResult(method string, accepted bool, reason string) {
	t.observe(iResult, method)
	st := &t.steps[iResult]
	if accepted {
		st.accepted++
		t.s.Accepted++
		return
	}
	st.rejected++
	t.s.Rejected++
	if reason == "" {
		reason = "rejected without a message"
	}
	if st.reason == "" {
		st.reason = reason
	}
	if len(t.s.RejectErrors) < maxListItems {
		t.s.RejectErrors = append(t.s.RejectErrors, reason)
	}
}

// inference explains why a step that was not seen must have happened.
var inference = [3]string{
	iLogin:  "not in the capture, but the miner was working, so it logged in before the capture began",
	iJob:    "not in the capture, but a share was submitted, so a job had been received",
	iSubmit: "not in the capture, but the pool answered a share, so one was submitted",
}

// buildSteps returns the four steps in order. A step not seen is inferred
// when a later step was observed or inferred: a job proves a login, a submit
// a job, a result a submit.
func (t *Tracker) buildSteps() []Step {
	out := make([]Step, 4)
	for i, st := range t.steps {
		out[i] = Step{
			Step: st.name, Observed: st.count > 0, Count: st.count, Time: st.time,
			Frame: st.frame, Method: st.method, Accepted: st.accepted, Rejected: st.rejected,
			Reason: st.reason,
		}
	}
	for i := iSubmit; i >= iLogin; i-- {
		next := out[i+1]
		if !out[i].Observed && (next.Observed || next.Inferred) {
			out[i].Inferred = true
			out[i].Reason = inference[i]
		}
	}
	return out
}
