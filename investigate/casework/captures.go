package casework

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/minertriage/minertriage/investigate/capture"
	"github.com/minertriage/minertriage/investigate/stratum"
)

// captureCacheVersion changes whenever the cached analysis would differ
// (capture options, Result fields), so stale entries are never read.
const captureCacheVersion = "v3" // v3: Stratum over TLS moved to Result.StratumTLS

// gatherCaptures analyses the captures linked to the alert and collects
// the Stratum sessions of the alert's pair (plaintext and over TLS). The whole capture is analysed,
// not only the pair's packets: the DNS answers that name the pool travel
// between the host and its resolver. A capture is analysed once: the
// result is cached by its sha256, for every alert it is linked to. A capture
// that cannot be read is reported in its CaptureAnalysis, not as an error
// of the whole analysis: the other steps still stand.
func (s *Service) gatherCaptures(ctx context.Context, a *Analysis) error {
	refs, err := s.repo.CapturesFor(a.Alert.ID)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		ca := CaptureAnalysis{Ref: ref}
		res, err := s.analyseCapture(ctx, ref)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			ca.Err = err.Error()
		} else {
			ca.Result = res
			a.Sessions = append(a.Sessions, pairSessions(res.Stratum, a.Alert.Src, a.Alert.Dst)...)
			a.TLSSessions = append(a.TLSSessions, pairSessions(res.StratumTLS, a.Alert.Src, a.Alert.Dst)...)
		}
		a.Captures = append(a.Captures, ca)
	}
	return nil
}

// gatherPayload reconstructs Stratum from the packet payload an IDS
// recorded with the alert (Suricata's "payload"): one message, often the
// miner's login with its wallet and agent.
func gatherPayload(a *Analysis) {
	al := a.Alert
	if len(al.Payload) == 0 || !stratum.LooksLikeJSONRPC(al.Payload) {
		return
	}
	dir := stratum.FromClient
	if a.Client == "destination" {
		dir = stratum.FromServer
	}
	t := stratum.NewTracker(addrPort(al.Src, al.SrcPort), addrPort(al.Dst, al.DstPort))
	t.Feed(dir, al.Time, 1, al.Payload)
	if s := t.Session(); s != nil {
		a.Sessions = append(a.Sessions, *s)
		a.PayloadStratum = true
	}
}

// captureCacheKey names a capture's analysis in the cache.
func captureCacheKey(sha string) string {
	return "capture/" + captureCacheVersion + "/" + sha
}

// analyseCapture returns the cached analysis or runs capture.Analyze.
func (s *Service) analyseCapture(ctx context.Context, ref CaptureRef) (*capture.Result, error) {
	key := captureCacheKey(ref.SHA256)
	copts := capture.Options{Total: ref.Size}
	if s.opts.CaptureDetail {
		// The workbench's packet list and follow-stream; cached apart so
		// the CLI's smaller result is never served to it, nor it to the CLI.
		copts.MaxPackets, copts.MaxStreamBytes = 10000, 256<<10
		key += "/detail"
	}
	if b, ok, err := s.repo.CacheGet(key); err == nil && ok {
		var res capture.Result
		if json.Unmarshal(b, &res) == nil {
			return &res, nil
		}
	}
	rc, err := s.repo.OpenCapture(ref)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	res, err := capture.Analyze(ctx, rc, copts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref.Name, err)
	}
	if res.File == "" {
		res.File = ref.Name
	}
	if b, err := json.Marshal(res); err == nil {
		// A cache that cannot be written (a read-only store) only costs
		// the next analysis its time.
		_ = s.repo.CachePut(key, b)
	}
	return res, nil
}
