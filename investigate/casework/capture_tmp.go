package casework

import "context"

// gatherCaptures loads the captures linked to the alert.
// TODO: analyse with capture.Analyze once it lands.
func (s *Service) gatherCaptures(ctx context.Context, a *Analysis) error {
	refs, err := s.repo.CapturesFor(a.Alert.ID)
	if err != nil {
		return err
	}
	for _, r := range refs {
		a.Captures = append(a.Captures, CaptureAnalysis{Ref: r, Err: "capture analysis not available"})
	}
	return nil
}
