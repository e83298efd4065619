package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this placeholder.
func newDecideCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "decide ALERT",
		Short: "Record a decision for an alert",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("decide: not built yet")
		},
	}
}
