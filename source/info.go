package source

import (
	"strconv"
	"strings"
)

// TypeName is the type as the sources API shows it (File, Http, Command, Nats).
func (s *Source) TypeName() string {
	t := string(s.Type)
	if t == "" {
		return ""
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

// RefreshName is the refresh policy as the sources API shows it: Once,
// Interval(300s), Watch, Push, OnDemand.
func (s *Source) RefreshName() string {
	switch s.Refresh {
	case RefreshInterval:
		return "Interval(" + strconv.FormatFloat(s.Interval.Seconds(), 'f', -1, 64) + "s)"
	case RefreshWatch:
		return "Watch"
	case RefreshPush:
		return "Push"
	case RefreshOnDemand:
		return "OnDemand"
	}
	return "Once"
}
