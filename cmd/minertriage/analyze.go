package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of this command): replace this placeholder.
func newAnalyzeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "analyze ALERT",
		Short: "Run every step for one alert and print the findings",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("analyze: not built yet")
		},
	}
}
