package ingest

import (
	"context"
	"io"
	"os"

	"github.com/minertriage/minertriage/investigate/capture"
)

// importCapture stores a packet capture as evidence. The capture package
// reads it once (streaming) for the host pairs and the time span that link
// it to alerts; the analysis itself happens when an analyst opens it.
func importCapture(ctx context.Context, r io.Reader, gz bool, path string, meta FileMeta, tx Tx, sum *Summary) error {
	in, err := openLayer(r, gz)
	if err != nil {
		return &RecordError{File: path, Err: err}
	}
	info, err := capture.Scan(ctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &RecordError{File: path, Err: err}
	}
	sum.Read++
	if info.Truncated {
		sum.Warnings = append(sum.Warnings, path+": "+info.Warning+"; what it holds is stored")
	}
	stored, err := tx.PutCapture(CaptureFile{
		Meta:  meta,
		Open:  func() (io.ReadCloser, error) { return os.Open(meta.Path) },
		Pairs: info.Pairs,
		First: info.First,
		Last:  info.Last,
	})
	if err != nil {
		return &RecordError{File: path, Err: err}
	}
	if stored {
		sum.Stored++
		sum.Captures++
	} else {
		sum.Duplicates++
	}
	return nil
}
