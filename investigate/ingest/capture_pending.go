//go:build !capturescan

package ingest

import (
	"context"
	"errors"
	"io"
)

// importCapture waits for investigate/capture.Scan (being written in
// parallel); capture.go holds the real code behind the capturescan tag.
// TODO(ingest): delete this file and the tag once capture.Scan exists.
func importCapture(ctx context.Context, r io.Reader, gz bool, path string, meta FileMeta, tx Tx, sum *Summary) error {
	return &RecordError{File: path, Err: errors.New("capture import is not built yet")}
}
