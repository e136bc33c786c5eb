// Package config translates the flags of `rsigma-connect engine daemon`
// (spec/daemon.md §3) into Options, validates them and writes the stream
// configuration they stand for (StreamYAML, ProcessorYAML). It is a pure
// translation: it reads no file and dials no server. The start-up checks
// that do are the daemon's (package daemon, preflight_*.go).
package config
