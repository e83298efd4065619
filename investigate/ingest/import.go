package ingest

import (
	"context"
	"errors"
)

// Options control one import.
type Options struct {
	// All keeps threat logs that are not coin-miner alerts (counted and
	// skipped otherwise).
	All bool
	// Progress, when set, is called now and then with bytes read and the
	// file's size, so callers can draw a bar.
	Progress func(read, total int64)
}

// ImportFile detects path's format by content and streams its records into
// sink in one transaction: all or nothing. A bad record aborts the file with
// an error naming the file and line (or frame); nothing of it is stored.
// TODO(ingest owner): implement.
func ImportFile(ctx context.Context, path string, sink Sink, opts Options) (Summary, error) {
	return Summary{}, errors.New("ingest: not built yet")
}
