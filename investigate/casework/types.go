// Package casework turns the evidence around one alert into the analyst's
// workflow: a finding per step, a suggested verdict, the decision history
// and markdown case notes. The command line and the workbench both call the
// Service here; neither parses files nor touches the store's internals.
package casework

import (
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
)

// StepID names a step; the names are part of the `analyze --json` contract.
type StepID string

const (
	StepAddresses   StepID = "addresses"
	StepApplication StepID = "application"
	StepNetflow     StepID = "netflow"
	StepCapture     StepID = "capture"
	StepStratum     StepID = "stratum"
)

// Status of a finding; part of the `analyze --json` contract.
type Status string

const (
	StatusSupports Status = "supports" // the evidence supports mining
	StatusAgainst  Status = "against"  // the evidence argues against mining
	StatusNeutral  Status = "neutral"  // evidence present, says nothing either way
	StatusMissing  Status = "missing"  // no evidence for this step (Details say what to fetch)
)

// Disposition is the analyst's verdict.
type Disposition string

const (
	TruePositive  Disposition = "true-positive"
	FalsePositive Disposition = "false-positive"
	Benign        Disposition = "benign" // benign true positive, e.g. an authorised miner
	NeedsInfo     Disposition = "needs-info"
)

// Cause is how the miner most likely got there.
type Cause string

const (
	CausePublicApp Cause = "public-app-exploitation"
	CauseAccessKey Cause = "access-key-compromise"
	CausePhishing  Cause = "phishing-or-usb"
	CauseInsider   Cause = "insider"
	CauseUnknown   Cause = "unknown"
)

// RemediationItem is one entry of the remediation checklist.
type RemediationItem struct {
	Action string `json:"action"`
	Done   bool   `json:"done"`
}

// Decision is one entry of an alert's append-only decision history.
type Decision struct {
	AlertID     string            `json:"alert_id"`
	Seq         int               `json:"seq"` // 1, 2, … assigned by the store
	Time        time.Time         `json:"time"`
	Analyst     string            `json:"analyst"`
	Disposition Disposition       `json:"disposition"`
	Cause       Cause             `json:"cause,omitempty"`
	Remediation []RemediationItem `json:"remediation,omitempty"`
	Note        string            `json:"note,omitempty"`
}

// AlertRecord is an alert as the queue shows it: with its evidence counts
// and the latest decision.
type AlertRecord struct {
	Alert       alert.Alert `json:"alert"`
	Flows       int         `json:"flows"`
	Captures    int         `json:"captures"`
	Disposition Disposition `json:"disposition"` // latest decision, "" until decided
	DecidedAt   time.Time   `json:"decided_at,omitzero"`
	FirstLook   time.Time   `json:"first_look,omitzero"` // first time an analyst opened it
}
