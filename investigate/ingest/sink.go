// Package ingest detects the format of an evidence file by its content and
// streams its records (alerts, flows, captures) into a Sink in one
// transaction: a file loads whole or not at all.
//
// Formats (Detect): PAN-OS THREAT/TRAFFIC syslog CSV, bare or behind a BSD,
// ISO 8601 or RFC 5424 header, 6.x–11.x field counts, parsed by index;
// the PAN-OS web-UI CSV export, columns by header name; Suricata EVE JSON
// (alert and flow events); Zeek conn.log as TSV or JSON; nfdump CSV 1.6,
// 1.7 and csv-fast; pcap and pcapng. Any of them may be gzip-compressed.
//
// Times are stored in UTC. Log times written without a zone (PAN-OS
// Generated Time, nfdump) are read in the zone the line itself gives (the
// PAN-OS High Resolution Timestamp, else an ISO 8601 / RFC 5424 syslog
// header) and otherwise taken as UTC.
package ingest

import (
	"errors"
	"io"
	"time"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/flow"
)

// Format names an evidence format; the names are printed by `import`.
type Format string

const (
	FormatPANOSSyslog     Format = "panos-syslog"     // THREAT and/or TRAFFIC lines, any syslog prefix
	FormatPANOSThreatCSV  Format = "panos-threat-csv" // web-UI export, header row
	FormatPANOSTrafficCSV Format = "panos-traffic-csv"
	FormatSuricataEVE     Format = "suricata-eve"
	FormatZeekConnTSV     Format = "zeek-conn-tsv"
	FormatZeekConnJSON    Format = "zeek-conn-json"
	FormatNfdump16        Format = "nfdump-csv-1.6"
	FormatNfdump17        Format = "nfdump-csv-1.7"
	FormatNfdumpFast      Format = "nfdump-csv-fast"
	FormatPcap            Format = "pcap"
	FormatPcapng          Format = "pcapng"
)

// FileMeta describes one imported file.
type FileMeta struct {
	Name   string // base name as given
	Path   string // absolute path
	SHA256 string // hex of the whole (compressed, if gzip) file
	Size   int64
	Format Format
	Time   time.Time // when the import started
}

// CaptureFile is a packet capture to keep as evidence.
type CaptureFile struct {
	Meta FileMeta
	// Open reopens the file from the start (the store copies small files in
	// and keeps larger ones by path).
	Open func() (io.ReadCloser, error)
	// Pairs are the host pairs ("a|b", addresses sorted) the capture holds;
	// the store uses them to link captures to alerts.
	Pairs       [][2]string
	First, Last time.Time
}

// Summary counts what one file gave. It is stored in the import log and
// printed by `import`.
type Summary struct {
	File       string `json:"file"`
	SHA256     string `json:"sha256"`
	Format     Format `json:"format"`
	Read       int    `json:"read"`       // records read
	Stored     int    `json:"stored"`     // records stored
	Duplicates int    `json:"duplicates"` // records already in the store
	Skipped    int    `json:"skipped"`    // records not kept (non-miner threats without --all, …)
	Errors     int    `json:"errors"`
	Alerts     int    `json:"alerts"`
	Flows      int    `json:"flows"`
	Captures   int    `json:"captures"`
	// Warnings are problems that did not stop the import, such as a
	// capture cut short: what it holds is stored, and the analyst is told.
	Warnings []string `json:"warnings,omitempty"`
}

// Sink receives one file's records inside one transaction. The store
// implements it.
type Sink interface {
	// BeginImport starts the transaction for one file. It returns
	// ErrDuplicateFile when a file with the same SHA256 was imported before.
	BeginImport(meta FileMeta) (Tx, error)
}

// Tx is one file's import transaction.
type Tx interface {
	// PutAlert stores an alert; stored is false when it was already there.
	PutAlert(a *alert.Alert) (stored bool, err error)
	// PutFlow stores a flow; stored is false when it was already there.
	PutFlow(f *flow.Flow) (stored bool, err error)
	// PutCapture stores a capture file's evidence record (and its bytes).
	PutCapture(c CaptureFile) (stored bool, err error)
	// Commit makes everything durable at once and logs the import.
	Commit(sum Summary) error
	// Rollback discards everything since BeginImport.
	Rollback() error
}

// ErrDuplicateFile means the same file (by SHA256) was imported before.
var ErrDuplicateFile = errors.New("file already imported")
