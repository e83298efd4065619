package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// PutCapture stores a capture's record, its bytes when it is at most
// MaxStoredCapture (so the evidence survives the original being deleted),
// and a link from each host pair it holds. Larger captures are kept by path
// and SHA256 and verified by OpenCapture.
func (t *importTx) PutCapture(c ingest.CaptureFile) (bool, error) {
	if t.done {
		return false, errTxDone
	}
	sha := c.Meta.SHA256
	if sha == "" {
		return false, fmt.Errorf("%s: capture without its sha256", c.Meta.Name)
	}
	caps := t.tx.Bucket(bCaptures)
	if _, ok := t.capSeen[sha]; ok || caps.Get([]byte(sha)) != nil {
		return false, nil
	}
	ref := casework.CaptureRef{
		SHA256: sha, Name: c.Meta.Name, Format: string(c.Meta.Format), Size: c.Meta.Size,
		Path: c.Meta.Path, ImportedAt: t.meta.Time.UTC(), First: c.First, Last: c.Last, Pairs: c.Pairs,
	}
	var pairKeys [][]byte
	for _, p := range c.Pairs {
		a, errA := netip.ParseAddr(p[0])
		b, errB := netip.ParseAddr(p[1])
		if errA != nil || errB != nil {
			return false, fmt.Errorf("%s: capture host pair %q|%q is not two addresses", c.Meta.Name, p[0], p[1])
		}
		k := appendPair(nil, a, b)
		pairKeys = append(pairKeys, append(k, sha...))
	}
	if c.Meta.Size <= t.s.smallCapture {
		data, err := readVerified(c)
		if err != nil {
			return false, err
		}
		if err := t.tx.Bucket(bCapBlobs).Put([]byte(sha), data); err != nil {
			return false, err
		}
		ref.Stored = true
	} else if ref.Path == "" {
		return false, fmt.Errorf("%s: a capture over %d MiB is kept by path, but its path is unknown", c.Meta.Name, t.s.smallCapture>>20)
	}
	raw, err := json.Marshal(ref)
	if err != nil {
		return false, err
	}
	if err := caps.Put([]byte(sha), raw); err != nil {
		return false, err
	}
	for _, k := range pairKeys {
		t.capPairs.add(k, nil)
	}
	t.capSeen[sha] = struct{}{}
	return true, nil
}

// readVerified reads a small capture whole and checks its SHA256, so the
// copy in the store is the file that was hashed.
func readVerified(c ingest.CaptureFile) ([]byte, error) {
	if c.Open == nil {
		return nil, fmt.Errorf("%s: capture cannot be reopened for storing", c.Meta.Name)
	}
	rc, err := c.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", c.Meta.Name, err)
	}
	defer rc.Close()
	h := sha256.New()
	data, err := io.ReadAll(io.TeeReader(io.LimitReader(rc, c.Meta.Size+1), h))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", c.Meta.Name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != c.Meta.SHA256 {
		return nil, fmt.Errorf("%s changed while it was being imported (sha256 %s, expected %s)", c.Meta.Name, got, c.Meta.SHA256)
	}
	return data, nil
}

// CapturesFor returns the captures holding the alert's host pair.
func (s *Store) CapturesFor(alertID string) ([]casework.CaptureRef, error) {
	var out []casework.CaptureRef
	err := s.view(func(tx *bolt.Tx) error {
		a, err := getAlert(tx, alertID)
		if err != nil {
			return err
		}
		prefix := appendPair(nil, a.Src, a.Dst)
		caps := tx.Bucket(bCaptures)
		c := tx.Bucket(bCapPairs).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			raw := caps.Get(k[len(prefix):])
			if raw == nil {
				continue
			}
			var ref casework.CaptureRef
			if err := json.Unmarshal(raw, &ref); err != nil {
				return errCorrupt
			}
			out = append(out, ref)
		}
		return nil
	})
	return out, err
}

// OpenCapture opens a capture's bytes. A capture kept by path is hashed
// first: a missing or changed file is an error that says so.
func (s *Store) OpenCapture(ref casework.CaptureRef) (io.ReadCloser, error) {
	if ref.Stored {
		var data []byte
		err := s.view(func(tx *bolt.Tx) error {
			v := tx.Bucket(bCapBlobs).Get([]byte(ref.SHA256))
			if v == nil {
				return fmt.Errorf("capture %s (sha256 %s) is not in store %s", ref.Name, ref.SHA256, s.path)
			}
			data = bytes.Clone(v) // bbolt's bytes die with the transaction
			return nil
		})
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	f, err := os.Open(ref.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("capture %s is kept by path and %s no longer exists; import it again from where it is now", ref.Name, ref.Path)
	} else if err != nil {
		return nil, fmt.Errorf("capture %s: %v", ref.Name, err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		f.Close()
		return nil, fmt.Errorf("capture %s: %v", ref.Path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != ref.SHA256 {
		f.Close()
		return nil, fmt.Errorf("capture %s has changed since it was imported (sha256 %s, expected %s); it is no longer the evidence that was imported", ref.Path, got, ref.SHA256)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("capture %s: %v", ref.Path, err)
	}
	return f, nil
}
