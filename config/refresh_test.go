package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseRefresh(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Refresh
		err  string
	}{
		{in: "off", want: Refresh{Set: true}},
		{in: " OFF ", want: Refresh{Set: true}},
		{in: "0", want: Refresh{Set: true}},
		{in: "10s", want: Refresh{Set: true, Every: 10 * time.Second}},
		{in: "1m30s", want: Refresh{Set: true, Every: 90 * time.Second}},
		{in: "5", want: Refresh{Set: true, Every: 5 * time.Second}},
		{in: "2s", want: Refresh{Set: true, Every: 2 * time.Second}},
		{in: "1s", err: "must be from 2s to 1h"},
		{in: "500ms", err: "must be from 2s to 1h"},
		{in: "2h", err: "must be from 2s to 1h"},
		{in: "-5s", err: "must be from 2s to 1h"},
		{in: "soon", err: `"soon" is not an interval`},
		{in: "", err: "empty"},
	} {
		got, err := ParseRefresh(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseRefresh(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseRefresh(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if again, _ := ParseRefresh(got.String()); again != got {
			t.Errorf("%q reads back as %+v", got.String(), again)
		}
	}
}

// A profile's refresh is checked with the file: a bad one names the file,
// the line, the profile and the field.
func TestProfileRefreshIsValidated(t *testing.T) {
	src := `
[profiles.prod]
client_id = "abc"
client_secret_env = "PROD_SECRET"
account_id = 1234
refresh = "30s"

[profiles.fast]
client_id = "abc"
client_secret_env = "PROD_SECRET"
account_id = 1234
refresh = "100ms"
`
	_, err := Parse("c.toml", []byte(src))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("err = %v", err)
	}
	if got := errs[0].Error(); !strings.HasPrefix(got, `c.toml:12: profile "fast": refresh: "100ms": the interval must be from 2s to 1h`) {
		t.Fatalf("message: %s", got)
	}
	f, err := Parse("c.toml", []byte(strings.Replace(src, `"100ms"`, `"off"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Profiles["prod"].RefreshSetting(); r != (Refresh{Set: true, Every: 30 * time.Second}) {
		t.Fatalf("prod: %+v", r)
	}
	if r := f.Profiles["fast"].RefreshSetting(); r != (Refresh{Set: true}) {
		t.Fatalf("fast: %+v", r)
	}
	if r := (&Profile{}).RefreshSetting(); r.Set {
		t.Fatalf("unset: %+v", r)
	}
}
