package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Refresh is how often the lists that refresh themselves do (see the
// catalogue's per-kind defaults, api.Descriptor.Refresh): unset (each
// kind's default), off, or an interval. A profile's `refresh` and the
// console's `:refresh` are read by ParseRefresh alike.
type Refresh struct {
	Set   bool          // given at all; unset leaves the kinds' defaults
	Every time.Duration // 0 with Set: off
}

// Bounds of a refresh interval: more often than MinRefresh would load the
// API for little, less often than MaxRefresh is not live any more.
const (
	MinRefresh = 2 * time.Second
	MaxRefresh = time.Hour
)

// ParseRefresh reads a refresh setting: "off" (also "0", "never"), or an
// interval as Go writes durations ("10s", "1m30s") between MinRefresh and
// MaxRefresh; a bare number is seconds.
func ParseRefresh(s string) (Refresh, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "off", "never", "0", "0s":
		return Refresh{Set: true}, nil
	case "":
		return Refresh{}, fmt.Errorf("empty: want an interval such as \"15s\", or \"off\"")
	}
	d, err := time.ParseDuration(t)
	if n, nerr := strconv.Atoi(t); err != nil && nerr == nil {
		d, err = time.Duration(n)*time.Second, nil
	}
	if err != nil {
		return Refresh{}, fmt.Errorf("%q is not an interval: want e.g. \"15s\", \"2m\" or \"off\"", s)
	}
	if d < MinRefresh || d > MaxRefresh {
		return Refresh{}, fmt.Errorf("%q: the interval must be from %s to %s (or \"off\")", s, MinRefresh, shortDuration(MaxRefresh))
	}
	return Refresh{Set: true, Every: d}, nil
}

// String is the setting as ParseRefresh reads it: "off", "15s", "2m";
// "" when unset.
func (r Refresh) String() string {
	switch {
	case !r.Set:
		return ""
	case r.Every <= 0:
		return "off"
	}
	return shortDuration(r.Every)
}

// shortDuration writes d without zero units: 1m rather than 1m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// RefreshSetting is the profile's refresh setting; unset when the profile
// gives none (or an invalid one, which validation reports).
func (p *Profile) RefreshSetting() Refresh {
	if p == nil || p.Refresh == "" {
		return Refresh{}
	}
	r, err := ParseRefresh(p.Refresh)
	if err != nil {
		return Refresh{}
	}
	return r
}
