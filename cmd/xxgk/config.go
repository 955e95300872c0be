package main

import (
	"fmt"
	"xxgk/pipeline/textgrid"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"xxgk/pipeline/config"
)

// configPath is the root --config flag.
var configPath string

func init() {
	commands = append(commands, newConfigCmd)
}

// loadConfig reads the configuration for cmd: the --config file, XXGK_ variables, then the
// command's own flags named in keys (config key → flag name) when they were set.
func loadConfig(cmd *cobra.Command, keys map[string]string) (config.Config, error) {
	flags := map[string]*pflag.Flag{}
	for key, name := range keys {
		if f := cmd.Flags().Lookup(name); f != nil {
			flags[key] = f
		}
	}
	if f := cmd.Flags().Lookup("log-format"); f != nil {
		flags["log_format"] = f
	}
	c, err := config.Load(configPath, flags)
	if err != nil {
		return c, &exitError{exitFailed, err}
	}
	return c, nil
}

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "show the configuration",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "print the effective configuration (file < XXGK_ environment < flags) as YAML",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd, nil)
			if err != nil {
				return err
			}
			src := "defaults"
			if configPath != "" {
				src = configPath
			}
			fmt.Fprintf(cmd.OutOrStdout(), "# effective configuration (%s, XXGK_ environment, flags)\n%s", src, c.YAML())
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "keys",
		Short: "list every configuration key and its environment variable",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			rows := [][]string{{"key", "environment"}}
			for _, k := range config.Keys() {
				rows = append(rows, []string{k, envName(k)})
			}
			textgrid.Write(cmd.OutOrStdout(), "", rows, 40)
		},
	})
	return cmd
}

func envName(key string) string {
	b := []byte(config.EnvPrefix + "_" + key)
	for i, c := range b {
		switch {
		case c == '.':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
